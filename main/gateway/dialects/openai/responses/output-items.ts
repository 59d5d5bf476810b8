// The output items of a Response, built the same way for a complete answer (to-response.ts) and at the end of each
// streamed item (stream-events.ts), so both give the client the same items.
import { encryptedDetail, toolCallSignature } from '../../../providers/gemini/thought-signatures.js';
import type { ToolKind } from './convert-tools.js';
import { encodeReasoningCarrier } from './reasoning-carrier.js';
import { newId, type ResponseContext } from './response-object.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface OutputRefusal {
  type: 'refusal';
  refusal: string;
}

export interface MessageItem {
  id: string;
  type: 'message';
  status: ItemStatus;
  role: 'assistant';
  content: Array<OutputText | OutputRefusal>;
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: Array<{ type: 'summary_text'; text: string }>;
  content?: Array<{ type: 'reasoning_text'; text: string }>;
  encrypted_content?: string;
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  arguments: string;
  call_id: string;
  name: string;
}

export interface CustomToolCallItem {
  id: string;
  type: 'custom_tool_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  input: string;
}

export interface LocalShellCallItem {
  id: string;
  type: 'local_shell_call';
  status: ItemStatus;
  call_id: string;
  action: { type: 'exec'; command: string[]; env: Record<string, string>; working_directory: string | null; timeout_ms: number | null };
}

export type ToolCallItem = FunctionCallItem | CustomToolCallItem | LocalShellCallItem;
export type ResponseOutputItem = ReasoningItem | MessageItem | ToolCallItem;

/** Whether the client asked for reasoning summaries; the reasoning text then also goes out as a summary. */
export function wantsSummary(context: ResponseContext): boolean {
  return Boolean(context.request.reasoning?.summary);
}

/**
 * A reasoning item for a translated target's reasoning. Its text goes in `content` as reasoning_text (and in
 * `summary` when summaries were asked for). encrypted_content carries the details whenever there are any, asked for
 * or not: without them a later turn of a tool loop fails on Claude and loses Gemini's thought signatures. When the
 * client asked for encrypted_content it gets one even without details (the text alone), as OpenAI would.
 */
export function reasoningItem(id: string, text: string, details: readonly Record<string, unknown>[], context: ResponseContext): ReasoningItem {
  const item: ReasoningItem = { id, type: 'reasoning', summary: text !== '' && wantsSummary(context) ? [{ type: 'summary_text', text }] : [] };
  if (text !== '') item.content = [{ type: 'reasoning_text', text }];
  if (details.length > 0 || context.includeEncrypted) item.encrypted_content = encodeReasoningCarrier({ details, text });
  return item;
}

export function messageItem(id: string, content: MessageItem['content'], status: ItemStatus): MessageItem {
  return { id, type: 'message', status, role: 'assistant', content };
}

export function outputText(text: string): OutputText {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/**
 * A chat tool call → the item its tool kind calls for, with `id` or a new one of the right prefix. A custom tool's
 * input is the `input` string of the arguments; arguments of another shape are given as they are. A local_shell call
 * whose arguments hold no command goes back as a function_call, so the client reports the mistake to the model rather
 * than running nothing.
 */
export function toolCallItem(kind: ToolKind, callId: string, name: string, args: string, status: ItemStatus, id?: string): ToolCallItem {
  if (kind === 'custom') return { id: id ?? newId('ctc'), type: 'custom_tool_call', status, call_id: callId, name, input: customInput(args) };
  const action = kind === 'local_shell' ? shellAction(args) : undefined;
  if (action) return { id: id ?? newId('lsh'), type: 'local_shell_call', status, call_id: callId, action };
  return { id: id ?? newId('fc'), type: 'function_call', status, arguments: args, call_id: callId, name };
}

export function customInput(args: string): string {
  const parsed = parseObject(args);
  return typeof parsed?.['input'] === 'string' ? parsed['input'] : args;
}

function shellAction(args: string): LocalShellCallItem['action'] | undefined {
  const parsed = parseObject(args);
  let command = parsed?.['command'];
  // a model that writes the command as one string means a shell line
  if (typeof command === 'string' && command !== '') command = ['bash', '-lc', command];
  if (!Array.isArray(command) || command.length === 0 || !command.every((part): part is string => typeof part === 'string')) return undefined;
  const workdir = parsed?.['workdir'] ?? parsed?.['working_directory'];
  const timeout = parsed?.['timeout_ms'] ?? parsed?.['timeout'];
  return {
    type: 'exec',
    command,
    env: {},
    working_directory: typeof workdir === 'string' ? workdir : null,
    timeout_ms: typeof timeout === 'number' ? timeout : null,
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The reasoning_details entries of a message or delta. */
export function detailsOf(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.filter((entry: unknown): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && !Array.isArray(entry));
}

/**
 * Gemini puts a function call's thought signature on the tool call (extra_content), which a Responses item has no
 * place for; it goes into the reasoning details with the call's id, where the Gemini adapter also looks for it.
 */
export function toolCallSignatureDetail(call: Readonly<Record<string, unknown>>, callId: string, index: number): Record<string, unknown> | undefined {
  const signature = toolCallSignature(call);
  return signature ? { ...encryptedDetail(signature, index), id: callId } : undefined;
}

export function reasoningTextOf(message: Readonly<Record<string, unknown>>): string {
  const text = message['reasoning_content'] ?? message['reasoning'];
  return typeof text === 'string' ? text : '';
}
