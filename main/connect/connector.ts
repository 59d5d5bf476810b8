// Connecting a tool, the I/O around the pure parts: read the tool's files under the home directory, compute the
// change and its diff, and on apply keep a backup and write atomically. Both the control service (connect.* calls)
// and `switchyard connect` use it; each passes its own home directory, addresses and token store.
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { maskSecret } from '../../shared/redact.js';
import { writeFileAtomic } from '../config/atomic-write.js';
import { checkConnection, type CheckResult } from './check.js';
import { ConnectFileError } from './errors.js';
import { chooseModel, modelChoices, type ModelSources } from './models.js';
import { tokenPlaceholder, type ConnectSettings } from './settings.js';
import { toolSnippet } from './snippets.js';
import { editToolFile, readToolConfig } from './tool-config.js';
import type { ToolToken } from './tool-token.js';
import { connectTools, findTool, type ConnectDialect, type ConnectTool, type ToolFile } from './tools.js';
import { unifiedDiff } from './unified-diff.js';

export interface ConnectEnvironment {
  /** the user's home directory (the tools' files are under it) */
  readonly home: string;
  /** the environment the tools run in: CODEX_HOME, CLAUDE_CONFIG_DIR and XDG_CONFIG_HOME move their files */
  readonly env?: NodeJS.ProcessEnv;
  /** the gateway's root address (no /v1) */
  readonly url: string;
  /** the Ollama surface's address, or null while it is off */
  readonly ollamaUrl: string | null;
  readonly sources: ModelSources;
  readonly tokens: {
    /** the tool's active token when Switchyard keeps it */
    kept(name: string): string | undefined;
    /** the kept token, or a new one */
    ensure(name: string): ToolToken;
  };
  readonly now?: () => Date;
}

export interface ToolListing {
  readonly id: string;
  readonly label: string;
  readonly kind: 'config-file' | 'paste';
  readonly configPath: string | null;
  readonly dialect: ConnectDialect;
  readonly tokenName: string;
  readonly connected: boolean;
}

export interface ToolPreview {
  readonly snippet: string;
  readonly files: Array<{ path: string; exists: boolean; diff: string }>;
  readonly tokenName: string;
  readonly model: string | null;
  readonly models: string[];
}

export interface ToolApplied {
  readonly written: Array<{ path: string; backup: string | null }>;
  readonly tokenName: string;
  readonly snippet: string;
  readonly tokenCreated: boolean;
  readonly tokenReplaced: boolean;
}

/** A tool id that is not in the catalog. */
export class UnknownToolError extends Error {
  constructor(readonly tool: string) {
    super(`no tool '${tool.slice(0, 60)}'; one of: ${connectTools.map((entry) => entry.id).join(', ')}`);
    this.name = 'UnknownToolError';
  }
}

/**
 * The home directory the tools' files are under: HOME (USERPROFILE on Windows) of the environment given, never a
 * fallback — a process started with a scrubbed environment (a test harness) must not reach the real home.
 */
export function homeFrom(env: NodeJS.ProcessEnv): string {
  const home = env['HOME'] || env['USERPROFILE'];
  if (!home) throw new ConnectFileError('~', "HOME is not set, so the tools' config files cannot be found");
  return home;
}

export function toolById(id: string): ConnectTool {
  const tool = findTool(id);
  if (!tool) throw new UnknownToolError(id);
  return tool;
}

export function listTools(environment: ConnectEnvironment): ToolListing[] {
  return connectTools.map((tool) => ({
    id: tool.id,
    label: tool.label,
    kind: tool.files.length > 0 ? 'config-file' : 'paste',
    configPath: tool.files[0] ? filePath(environment, tool.files[0]) : null,
    dialect: tool.dialect,
    tokenName: tool.tokenName,
    connected: tool.files.length > 0 && readToolConfig(tool, (file) => readText(filePath(environment, file)), environment.url).connected,
  }));
}

/** What connecting would paste and change; writes nothing and makes no token. */
export function previewTool(environment: ConnectEnvironment, id: string, model: string | undefined): ToolPreview {
  const tool = toolById(id);
  const kept = tool.usesToken ? environment.tokens.kept(tool.tokenName) : '';
  const settings = connectSettings(environment, tool, kept ?? tokenPlaceholder(tool.tokenName), model);
  const changes = plannedChanges(environment, tool, settings);
  const hide = (text: string): string => (kept ? text.split(kept).join(`sy-${maskSecret(kept)}`) : text);
  return {
    snippet: toolSnippet(tool, settings),
    files: changes.map((change) => ({ path: change.path, exists: change.before !== null, diff: hide(diffOf(change)) })),
    tokenName: tool.tokenName,
    model: settings.model,
    models: [...settings.models],
  };
}

/** The snippet with the tool's token filled in: the kept one, or a new one (`switchyard connect <tool>` prints it). */
export function pasteSnippet(
  environment: ConnectEnvironment,
  id: string,
  model: string | undefined,
): { readonly snippet: string; readonly tokenName: string; readonly token: ToolToken | null } {
  const tool = toolById(id);
  const token = tool.usesToken ? environment.tokens.ensure(tool.tokenName) : null;
  return { snippet: toolSnippet(tool, connectSettings(environment, tool, token?.token ?? '', model)), tokenName: tool.tokenName, token };
}

/** Makes (or reuses) the tool's token and writes its files: a backup of each first, then the new text atomically. */
export function applyTool(environment: ConnectEnvironment, id: string, model: string | undefined): ToolApplied {
  const tool = toolById(id);
  // every file must be editable before a token is made for a connection that may not happen
  plannedChanges(environment, tool, connectSettings(environment, tool, tokenPlaceholder(tool.tokenName), model));
  const token: ToolToken = tool.usesToken ? environment.tokens.ensure(tool.tokenName) : { token: '', created: false, replaced: false };
  const settings = connectSettings(environment, tool, token.token, model);
  const changes = plannedChanges(environment, tool, settings).filter((change) => change.before !== change.after);
  const stamp = backupStamp((environment.now ?? (() => new Date()))());
  const written: Array<{ path: string; backup: string | null }> = [];
  for (const change of changes) {
    try {
      mkdirSync(dirname(change.path), { recursive: true });
      let backup: string | null = null;
      if (change.before !== null) {
        backup = `${change.path}.switchyard-backup-${stamp}`;
        copyFileSync(change.path, backup);
      }
      writeFileAtomic(change.path, change.after);
      written.push({ path: change.path, backup });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const done = written.length > 0 ? `; already written: ${written.map((file) => file.path).join(', ')} (backups beside them)` : '';
      throw new ConnectFileError(change.path, `cannot write it (${code})${done}`);
    }
  }
  return { written, tokenName: tool.tokenName, snippet: toolSnippet(tool, settings), tokenCreated: token.created, tokenReplaced: token.replaced };
}

/** One request as the tool would send it, with the token and model its files hold (else its kept token and default model). */
export async function checkTool(environment: ConnectEnvironment, id: string, options: { readonly timeoutMs?: number } = {}): Promise<CheckResult> {
  const tool = toolById(id);
  const fromFiles = readToolConfig(tool, (file) => readText(filePath(environment, file)), environment.url);
  const failed = (error: string): CheckResult => ({ ok: false, answer: null, provider: null, model: null, latencyMs: 0, error });
  const token = tool.usesToken ? ((fromFiles.connected ? fromFiles.token : undefined) ?? environment.tokens.kept(tool.tokenName)) : null;
  if (token === undefined) return failed(`${tool.label} is not connected yet: connect it first (it has no client token '${tool.tokenName}')`);
  const url = tool.dialect === 'ollama' ? environment.ollamaUrl : environment.url;
  if (url === null) return failed("the Ollama API is off: turn on ollama_api (Settings → General) for Copilot's Ollama provider");
  const model = (fromFiles.connected ? fromFiles.model : undefined) ?? chooseModel(tool, environment.sources, undefined) ?? tool.ownModel;
  if (model === undefined) return failed('no model to ask: add a route (or a provider with models) first');
  return checkConnection({
    dialect: tool.dialect,
    url,
    token,
    model,
    client: tool.id,
    anthropicHeader: tool.id === 'anthropic-sdk' ? 'x-api-key' : 'bearer',
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

interface PlannedChange {
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
}

function plannedChanges(environment: ConnectEnvironment, tool: ConnectTool, settings: ConnectSettings): PlannedChange[] {
  return tool.files.map((file) => {
    const path = filePath(environment, file);
    const before = readText(path);
    return { path, before, after: editToolFile(tool, file, before, settings) };
  });
}

function connectSettings(environment: ConnectEnvironment, tool: ConnectTool, token: string, model: string | undefined): ConnectSettings {
  return {
    url: environment.url,
    ollamaUrl: environment.ollamaUrl,
    token,
    model: chooseModel(tool, environment.sources, model),
    models: modelChoices(environment.sources),
  };
}

function diffOf(change: PlannedChange): string {
  return unifiedDiff(change.before, change.after, change.path);
}

function filePath(environment: ConnectEnvironment, file: ToolFile): string {
  const moved = file.movedBy ? environment.env?.[file.movedBy.variable] : undefined;
  if (file.movedBy && moved) return join(moved, ...file.path.slice(file.movedBy.replaces.length + 1).split('/'));
  return join(environment.home, ...file.path.split('/'));
}

/** The file's text, or null when there is none; a directory or an unreadable file is an error naming it. */
function readText(path: string): string | null {
  try {
    if (!statSync(path).isFile()) throw new ConnectFileError(path, 'it is not a regular file');
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (error instanceof ConnectFileError) throw error;
    throw new ConnectFileError(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** 20261207-190501123 (local time, to the millisecond): sortable, and two runs in one second get a backup each. */
function backupStamp(now: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}${String(now.getMilliseconds()).padStart(3, '0')}`;
}
