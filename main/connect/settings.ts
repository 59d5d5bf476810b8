// What every snippet and config edit is made from: Switchyard's addresses, the tool's token and the model.

export interface ConnectSettings {
  /** the gateway's root address, without /v1: http://127.0.0.1:5454 */
  readonly url: string;
  /** the Ollama surface's address, or null while it is off */
  readonly ollamaUrl: string | null;
  /** the tool's client token (or, in a preview, its masked form or a placeholder) */
  readonly token: string;
  /** null: the tool keeps asking for its own model names */
  readonly model: string | null;
  /** the route aliases to offer as model choices */
  readonly models: readonly string[];
}

export const v1 = (settings: ConnectSettings): string => `${settings.url}/v1`;

/** The token placeholder a preview shows before the tool has one. */
export function tokenPlaceholder(name: string): string {
  return `<new client token '${name}', made when you connect>`;
}
