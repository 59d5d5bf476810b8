// Edits the config file, the single source of truth for providers, routes, budgets and settings: parse it with
// the yaml Document API (so the user's comments, key order and unrelated keys survive), change only what the call
// is about, check the result as a start-up would, write it atomically, then apply it to the running gateway.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { ConfigError, configFileNames, defaultProviderInputs, parseConfigText, resolveConfig } from '../config/load.js';
import type { ConfigSource } from '../config/config-source.js';
import { ensureDataDir } from '../secrets/client-token-file.js';
import { writeFileAtomic } from '../config/atomic-write.js';

export type ConfigDocument = Document;

export interface ConfigEditorOptions {
  readonly source: ConfigSource;
  /** where a first config file is created when there is none */
  readonly dataDir: string;
  /** applies the file just written to the running gateway (gateway.reload) */
  readonly apply: () => Promise<void>;
}

const createdHeader = [
  ' Switchyard configuration. Created by Switchyard from the settings that were in use; edit it freely —',
  ' comments and keys you add are kept when the app changes something. Reference: the README, "Configuration".',
].join('\n');

export class ConfigEditor {
  /** edits run one after another, so two calls can never both read the old file and lose one change */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ConfigEditorOptions) {}

  /** The file as it is now (a fresh document from the defaults when there is none yet); for reading only. */
  read(): ConfigDocument {
    const path = this.targetPath();
    return existsSync(path) ? parseFile(path) : this.initialDocument();
  }

  /**
   * Runs `change` on the current document, then validates, writes and applies the result. A change that would
   * make the config invalid throws ConfigError (naming the field) and leaves the file untouched.
   */
  edit<Result>(change: (document: ConfigDocument) => Result): Promise<Result> {
    const run = this.queue.then(() => this.editNow(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async editNow<Result>(change: (document: ConfigDocument) => Result): Promise<Result> {
    const path = this.targetPath();
    const document = existsSync(path) ? parseFile(path) : this.initialDocument();
    const result = change(document);
    const text = path.endsWith('.json') ? `${JSON.stringify(document.toJS(), null, 2)}\n` : document.toString({ lineWidth: 0 });
    const { env, overrides } = this.options.source;
    resolveConfig(parseConfigText(text, path), { path, env, host: overrides.host, port: overrides.port });
    if (this.options.source.path === undefined) ensureDataDir(this.options.dataDir);
    writeFileAtomic(path, text);
    this.options.source.adopt(path);
    await this.options.apply();
    return result;
  }

  /** The file in use, else one already in the data dir, else `<data dir>/config.yaml` (created on first edit). */
  private targetPath(): string {
    const current = this.options.source.path;
    if (current !== undefined) return current;
    const existing = configFileNames.map((name) => join(this.options.dataDir, name)).find((candidate) => existsSync(candidate));
    return existing ?? join(this.options.dataDir, 'config.yaml');
  }

  /** What the defaults amount to, written out: the providers in use (Ollama and the cloud keys in the environment). */
  private initialDocument(): ConfigDocument {
    const document = new Document({ providers: defaultProviderInputs(this.options.source.env) });
    document.commentBefore = createdHeader;
    return document;
  }
}

function parseFile(path: string): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(path, [`the file has YAML errors; fix them by hand first (${document.errors[0]?.message.split('\n')[0] ?? ''})`]);
  }
  if (document.contents !== null && !isMap(document.contents)) throw new ConfigError(path, ['the top level must be a mapping']);
  return document;
}

/** The list at `key` of the document's top level, created (from `initial`) when missing. */
export function ensureSeq(document: ConfigDocument, key: string, initial: () => unknown[]): YAMLSeq {
  const existing = document.get(key, true);
  if (isSeq(existing)) return existing;
  if (existing !== undefined && existing !== null) throw new ConfigError(undefined, [`${key}: must be a list`]);
  const created = document.createNode(initial());
  if (!isSeq(created)) throw new Error('a list did not become a YAML sequence');
  document.set(key, created);
  return created;
}

/** The mapping at `path`, created empty when missing. */
export function ensureMap(document: ConfigDocument, path: readonly string[]): YAMLMap {
  const existing = document.getIn(path, true);
  if (isMap(existing)) return existing;
  if (existing !== undefined && existing !== null) throw new ConfigError(undefined, [`${path.join('.')}: must be a mapping`]);
  const created = document.createNode({});
  if (!isMap(created)) throw new Error('an object did not become a YAML mapping');
  document.setIn(path, created);
  return created;
}
