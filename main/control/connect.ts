// connect.*: connecting a tool (Claude Code, Codex, …) to this Switchyard — the snippet to paste, the change to
// its config file (diff first, backup, only our keys) and a check through the running gateway. The work is in
// main/connect; this file gives it the gateway's addresses, routes, token store and the home directory.
import type { CallResponse } from '../../shared/control/contract.js';
import { registerSecret } from '../../shared/redact.js';
import { applyTool, checkTool, homeFrom, listTools, previewTool, UnknownToolError, type ConnectEnvironment } from '../connect/connector.js';
import { ConnectFileError } from '../connect/errors.js';
import type { ControlContext, ServiceRequest } from './context.js';
import { ControlError, notFound } from './errors.js';

/** The tools' files are under the service's HOME (tests point it at a temporary one). */
export function connectEnvironment(context: ControlContext): ConnectEnvironment {
  const { gateway } = context;
  const { ollamaApi, server } = gateway.config;
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  const ollamaPort = gateway.ollamaPort;
  return {
    home: homeFrom(context.env),
    env: context.env,
    url: gateway.url,
    ollamaUrl: !ollamaApi.enabled ? null : ollamaPort !== undefined ? `http://${host}:${ollamaPort}` : gateway.url,
    sources: gateway.config,
    tokens: {
      kept: (name) => context.tokens.keptTool(name),
      ensure: (name) => context.tokens.ensureTool(name),
    },
  };
}

export function connectTools(context: ControlContext): CallResponse<'connect.tools'> {
  return connectCall(() => listTools(connectEnvironment(context)));
}

export function connectPreview(context: ControlContext, request: ServiceRequest<'connect.preview'>): CallResponse<'connect.preview'> {
  return connectCall(() => previewTool(connectEnvironment(context), request.tool, request.model));
}

export function connectApply(context: ControlContext, request: ServiceRequest<'connect.apply'>): CallResponse<'connect.apply'> {
  return connectCall(() => {
    const applied = applyTool(connectEnvironment(context), request.tool, request.model);
    for (const { path, backup } of applied.written) context.log(`connect ${request.tool}: wrote ${path}${backup ? ` (backup: ${backup})` : ''}`);
    return applied;
  });
}

export async function connectCheck(context: ControlContext, request: ServiceRequest<'connect.check'>): Promise<CallResponse<'connect.check'>> {
  try {
    return await checkTool(connectEnvironment(context), request.tool);
  } catch (error) {
    throw translate(error);
  }
}

function connectCall<Value>(work: () => Value): Value {
  try {
    const value = work();
    const snippet = (value as { snippet?: unknown }).snippet;
    if (typeof snippet === 'string') registerTokens(snippet);
    return value;
  } catch (error) {
    throw translate(error);
  }
}

/** The tokens in a snippet are secrets from here on: never in a log line or an error message. */
function registerTokens(snippet: string): void {
  for (const token of snippet.match(/\bsy-[A-Za-z0-9_-]{40,}/g) ?? []) registerSecret(token);
}

function translate(error: unknown): unknown {
  if (error instanceof UnknownToolError) return notFound(error.message, 'tool');
  if (error instanceof ConnectFileError) return new ControlError(409, 'config_file_not_editable', error.message, null);
  return error;
}
