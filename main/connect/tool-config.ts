// Each config-file tool's change, as a pure function of its file's current text: only the keys that point the tool
// at Switchyard are set (address, token, model, and the switch that makes the tool use them); the user's other
// settings, comments and providers stay. And the way back: what a tool's files say now (connected? which model?).
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { editDotenv, readDotenv } from './dotenv-edit.js';
import { ConnectFileError } from './errors.js';
import { editJson, jsonValueAt, readJson, type JsonChange } from './json-edit.js';
import { v1, type ConnectSettings } from './settings.js';
import { editToml, tomlValueAt } from './toml-edit.js';
import type { ConnectTool, ToolFile } from './tools.js';

/** The name of Switchyard's entry in tools that keep several providers (Codex, opencode). */
export const providerKey = 'switchyard';

/** A file's new text from its old one (null: the file does not exist). */
export function editToolFile(tool: ConnectTool, file: ToolFile, before: string | null, settings: ConnectSettings): string {
  const { model } = settings;
  const at = `~/${file.path}`;
  switch (`${tool.id}:${file.format}`) {
    case 'claude-code:json': {
      const env = (key: string, value: string): JsonChange => ({ path: ['env', key], value });
      // every family Claude Code 2.1 picks a model from (its /model choices, subagents, background work) → the chosen model
      const families = ['ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL', 'ANTHROPIC_DEFAULT_FABLE_MODEL'];
      const models = model === null ? [] : ['ANTHROPIC_MODEL', ...families].map((key) => env(key, model));
      return editJson(before, [env('ANTHROPIC_BASE_URL', settings.url), env('ANTHROPIC_AUTH_TOKEN', settings.token), ...models], at);
    }
    case 'codex:toml':
      return editToml(
        before,
        {
          topLevel: { model_provider: providerKey, ...(model === null ? {} : { model }) },
          table: ['model_providers', providerKey],
          tableKeys: { name: 'Switchyard', base_url: v1(settings), wire_api: 'responses', experimental_bearer_token: settings.token },
          tableRemove: ['env_key'],
        },
        at,
      );
    case 'gemini-cli:json':
      // API-key sign-in: GOOGLE_GEMINI_BASE_URL alone selects "gateway" sign-in, which -p mode refuses (0.61)
      return editJson(
        before,
        [{ path: ['security', 'auth', 'selectedType'], value: 'gemini-api-key' }, ...(model === null ? [] : [{ path: ['model', 'name'], value: model }])],
        at,
      );
    case 'gemini-cli:dotenv':
      return editDotenv(before, { GOOGLE_GEMINI_BASE_URL: settings.url, GEMINI_API_KEY: settings.token });
    case 'opencode:json': {
      const names = [...new Set([...(model === null ? [] : [model]), ...settings.models])];
      const provider = {
        npm: '@ai-sdk/openai-compatible',
        name: 'Switchyard',
        options: { baseURL: v1(settings), apiKey: settings.token },
        models: Object.fromEntries(names.map((name) => [name, { name }])),
      };
      return editJson(
        before,
        [{ path: ['provider', providerKey], value: provider }, ...(model === null ? [] : [{ path: ['model'], value: `${providerKey}/${model}` }])],
        at,
      );
    }
    case 'qwen-code:json':
      return editJson(
        before,
        [{ path: ['security', 'auth', 'selectedType'], value: 'openai' }, ...(model === null ? [] : [{ path: ['model', 'name'], value: model }])],
        at,
      );
    case 'qwen-code:dotenv':
      return editDotenv(before, { OPENAI_BASE_URL: v1(settings), OPENAI_API_KEY: settings.token, ...(model === null ? {} : { OPENAI_MODEL: model }) });
    case 'continue:yaml':
      return editYaml(before, at, (document) => continueModels(document, settings));
    case 'aider:yaml':
      return editYaml(before, at, (document) => {
        document.set('openai-api-base', v1(settings));
        document.set('openai-api-key', settings.token);
        // aider (litellm) takes an OpenAI-compatible server's models as openai/<name>
        if (model !== null) document.set('model', `openai/${model}`);
      });
    default:
      throw new Error(`no editor for ${tool.id}'s ${file.format} file`);
  }
}

const continueNamePrefix = 'Switchyard: ';

/** Continue's models list: Switchyard's entries (one per model choice, the chosen one first) replace the ones it wrote before. */
function continueModels(document: Document, settings: ConnectSettings): void {
  if (!document.has('name')) document.set('name', 'Local config');
  if (!document.has('version')) document.set('version', '1.0.0');
  if (!document.has('schema')) document.set('schema', 'v1');
  const existing = document.get('models', true);
  if (existing !== undefined && existing !== null && !isSeq(existing))
    throw new ConnectFileError('~/.continue/config.yaml', '"models" is not a list; fix it by hand first');
  const list = isSeq(existing) ? existing : document.createNode([]);
  if (!isSeq(list)) throw new Error('a list did not become a YAML sequence');
  const ours = (item: unknown): boolean => isMap(item) && String(item.get('name') ?? '').startsWith(continueNamePrefix) && item.get('apiBase') === v1(settings);
  list.items = list.items.filter((item) => !ours(item));
  const names = [...new Set([...(settings.model === null ? [] : [settings.model]), ...settings.models])];
  const entries = names.map((name) =>
    document.createNode({
      name: `${continueNamePrefix}${name}`,
      provider: 'openai',
      model: name,
      apiBase: v1(settings),
      apiKey: settings.token,
      roles: ['chat', 'edit', 'apply'],
    }),
  );
  list.items.unshift(...entries);
  document.set('models', list);
}

function editYaml(before: string | null, file: string, change: (document: Document) => void): string {
  const document = parseDocument(before ?? '', { uniqueKeys: true });
  if (document.errors.length > 0)
    throw new ConnectFileError(file, `it is not valid YAML (${document.errors[0]?.message.split('\n')[0] ?? ''}); fix it by hand first`);
  // an empty (or comments-only) file has no contents yet: document.set creates the mapping
  if (document.contents !== null && !isMap(document.contents)) throw new ConnectFileError(file, 'its top level is not a mapping');
  change(document);
  return document.toString({ lineWidth: 0 });
}

/** What a tool's files say now: whether they point at `url`, with which token and model. */
export interface ToolReadBack {
  readonly connected: boolean;
  readonly token: string | undefined;
  readonly model: string | undefined;
}

export function readToolConfig(tool: ConnectTool, read: (file: ToolFile) => string | null, url: string): ToolReadBack {
  const text = (index: number): string => {
    const file = tool.files[index];
    return (file && read(file)) ?? '';
  };
  const json = (index: number): unknown => {
    try {
      return readJson(text(index), '');
    } catch {
      return undefined;
    }
  };
  const string = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const yaml = (index: number): Record<string, unknown> => {
    const document = parseDocument(text(index));
    const value: unknown = document.errors.length === 0 ? document.toJS() : undefined;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  };
  const base = `${url}/v1`;
  switch (tool.id) {
    case 'claude-code': {
      const env = jsonValueAt(json(0), ['env']) as Record<string, unknown> | undefined;
      return { connected: env?.['ANTHROPIC_BASE_URL'] === url, token: string(env?.['ANTHROPIC_AUTH_TOKEN']), model: string(env?.['ANTHROPIC_MODEL']) };
    }
    case 'codex': {
      const toml = text(0);
      const provider = tomlValueAt(toml, ['model_providers', providerKey]) as Record<string, unknown> | undefined;
      return {
        connected: tomlValueAt(toml, ['model_provider']) === providerKey && provider?.['base_url'] === base,
        token: string(provider?.['experimental_bearer_token']),
        model: string(tomlValueAt(toml, ['model'])),
      };
    }
    case 'gemini-cli':
    case 'qwen-code': {
      const env = readDotenv(text(1));
      const [urlKey, tokenKey, expected] =
        tool.id === 'gemini-cli' ? ['GOOGLE_GEMINI_BASE_URL', 'GEMINI_API_KEY', url] : ['OPENAI_BASE_URL', 'OPENAI_API_KEY', base];
      return { connected: env[urlKey] === expected, token: string(env[tokenKey]), model: string(jsonValueAt(json(0), ['model', 'name'])) };
    }
    case 'opencode': {
      const root = json(0);
      const options = jsonValueAt(root, ['provider', providerKey, 'options']) as Record<string, unknown> | undefined;
      const model = string(jsonValueAt(root, ['model']));
      return {
        connected: options?.['baseURL'] === base,
        token: string(options?.['apiKey']),
        model: model?.startsWith(`${providerKey}/`) ? model.slice(providerKey.length + 1) : undefined,
      };
    }
    case 'continue': {
      const models = yaml(0)['models'];
      const ours = (Array.isArray(models) ? models : []).find((item: unknown) => (item as Record<string, unknown> | null)?.['apiBase'] === base) as
        Record<string, unknown> | undefined;
      return { connected: ours !== undefined, token: string(ours?.['apiKey']), model: string(ours?.['model']) };
    }
    case 'aider': {
      const values = yaml(0);
      const model = string(values['model']);
      return {
        connected: values['openai-api-base'] === base,
        token: string(values['openai-api-key']),
        model: model?.startsWith('openai/') ? model.slice('openai/'.length) : model,
      };
    }
    default:
      return { connected: false, token: undefined, model: undefined };
  }
}
