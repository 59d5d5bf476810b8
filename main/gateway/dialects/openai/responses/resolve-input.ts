// The input a Responses request stands for: a string becomes one user message; previous_response_id puts the stored
// conversation before it and item_reference is replaced by the stored item — both from Switchyard's own store, so
// they resolve whichever provider answered before. A name that cannot be resolved is a 400 as OpenAI words it.
// Reads of the store are asynchronous (PostgreSQL in team mode); a request that names nothing stored never waits.
import type { ResponseStore } from '../../../../ledger/response-store.js';
import { savedNow } from './deferred-saves.js';
import { jsonString } from './json-text.js';
import { newId } from './response-object.js';
import { ResponsesRequestError, responseInputItemSchema, type ResponseInputItem, type ResponsesRequest } from './schema.js';

export interface ResolvedInput {
  /** the whole conversation to send: stored turns, then this turn's items */
  readonly items: readonly ResponseInputItem[];
  /** this turn's own items (storedTurn gives them ids, as they are stored and listed by input_items) */
  readonly turn: readonly ResponseInputItem[];
  /** the request named stored state (previous_response_id or item_reference), so its body had to be rebuilt */
  readonly expanded: boolean;
}

/** The input as given, when the request names nothing stored; undefined when it does (resolveInput then). */
export function plainInput(request: ResponsesRequest): ResolvedInput | undefined {
  const given = givenItems(request);
  const previous = request.previous_response_id;
  if ((typeof previous === 'string' && previous !== '') || given.some(isReference)) return undefined;
  return { items: given, turn: given, expanded: false };
}

export async function resolveInput(request: ResponsesRequest, store: ResponseStore | undefined, client: string | null): Promise<ResolvedInput> {
  const given = givenItems(request);
  let expanded = false;
  const earlier: ResponseInputItem[] = [];
  const previous = request.previous_response_id;
  if (typeof previous === 'string' && previous !== '') {
    const conversation = await requireStore(store, 'previous_response_id').conversation(previous, client);
    if (!conversation)
      throw new ResponsesRequestError(`Previous response with id '${previous}' not found.`, 'previous_response_id', 'previous_response_not_found');
    for (const item of conversation) earlier.push(item as ResponseInputItem);
    expanded = true;
  }
  const turn: ResponseInputItem[] = [];
  for (const [index, item] of given.entries()) {
    if (!isReference(item)) {
      turn.push(item);
      continue;
    }
    const id = String((item as { id?: unknown }).id ?? '');
    const stored = await requireStore(store, `input[${index}]`).item(id, client);
    if (!stored) throw new ResponsesRequestError(`Item with id '${id}' not found.`, `input[${index}]`, 'item_not_found');
    const parsed = responseInputItemSchema.safeParse(stored);
    turn.push(parsed.success ? parsed.data : (stored as ResponseInputItem));
    expanded = true;
  }
  return { items: earlier.length === 0 ? turn : [...earlier, ...turn], turn, expanded };
}

function givenItems(request: ResponsesRequest): readonly ResponseInputItem[] {
  return typeof request.input === 'string' ? [{ type: 'message', role: 'user', content: request.input } as ResponseInputItem] : (request.input ?? []);
}

const isReference = (item: ResponseInputItem): boolean => (item as { type?: unknown }).type === 'item_reference';

/** This turn's items as they are stored: each with an id. Only a stored response needs them, so only it makes them. */
export function storedTurn(resolved: ResolvedInput): Record<string, unknown>[] {
  return resolved.turn.map(withId);
}

/**
 * JSON.stringify(storedTurn(resolved)) and the ids in it. A text input — one user message — is written as text
 * without building its item (the usual request: the store's only serialising on the request thread).
 */
export function storedTurnJson(request: ResponsesRequest, resolved: ResolvedInput): { readonly json: string; readonly ids: readonly string[] } {
  if (typeof request.input === 'string') {
    const id = newId('msg');
    return { json: `[{"id":"${id}","type":"message","role":"user","content":${jsonString(request.input)}}]`, ids: [id] };
  }
  const items = storedTurn(resolved);
  const ids: string[] = [];
  for (const item of items) if (typeof item['id'] === 'string' && item['id'] !== '') ids.push(item['id']);
  return { json: JSON.stringify(items), ids };
}

function requireStore(store: ResponseStore | undefined, param: string): ResponseStore {
  if (store?.enabled) {
    savedNow(store); // the turn before may have ended a moment ago (deferred-saves.ts)
    return store;
  }
  throw new ResponsesRequestError(
    `${param}: stored responses are turned off (ledger.responses.store: false), so earlier responses cannot be referred to; send the whole conversation in input`,
    param,
    'stored_responses_disabled',
  );
}

/** Input items get ids as OpenAI gives them (msg_…), so input_items can list them and item_reference can cite them. */
function withId(item: ResponseInputItem): Record<string, unknown> {
  const record = item as Record<string, unknown>;
  if (typeof record['id'] === 'string' && record['id'] !== '') return record;
  const type = typeof record['type'] === 'string' ? record['type'] : 'message';
  return {
    id: newId(type === 'message' ? 'msg' : type === 'function_call_output' ? 'fco' : 'item'),
    ...(record['type'] === undefined ? { type: 'message' } : {}),
    ...record,
  };
}
