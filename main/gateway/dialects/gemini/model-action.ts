// The model and the method in a Gemini path: `models/{model}:{method}`. The model may be a route alias, a bare name
// or `provider/model`, with its slash literal (`models/openai/gpt-4o:generateContent`, how Google's SDKs send it) or
// encoded (%2F); Ollama names carry a colon of their own (`ollama/llama3.2:3b:generateContent`), so only a known
// method after the last colon counts as one. The name is only ever looked up among routes and providers.

export const geminiMethods = ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'] as const;
export type GeminiMethod = (typeof geminiMethods)[number];

export interface ModelAction {
  /** the model as the client named it, without `models/` */
  readonly model: string;
  /** undefined: the path names a model only (GET models/{model}) */
  readonly method: GeminiMethod | undefined;
}

export function parseModelAction(rest: string): ModelAction {
  const name = rest.startsWith('models/') ? rest.slice('models/'.length) : rest;
  const colon = name.lastIndexOf(':');
  const suffix = colon === -1 ? '' : name.slice(colon + 1);
  const method = geminiMethods.find((candidate) => candidate === suffix);
  return method ? { model: name.slice(0, colon), method } : { model: name, method: undefined };
}

/** `models/x` as Gemini names a model resource (the model list, modelVersion). */
export function resourceName(model: string): string {
  return model.startsWith('models/') ? model : `models/${model}`;
}
