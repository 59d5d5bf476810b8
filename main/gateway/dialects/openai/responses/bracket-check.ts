// Test support: checks that a Responses event stream is well bracketed, the way a strict client reads it. Used by
// the encoder's unit tests and by end-to-end tests on real SSE. Returns the problems found (empty when none), so a
// failing test shows all of them at once.
import { isDeepStrictEqual } from 'node:util';

type Event = Readonly<Record<string, unknown>>;

const terminal = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** delta event → [done event, field of the done event holding the whole text] */
const textEvents: Record<string, readonly [string, string]> = {
  'response.output_text.delta': ['response.output_text.done', 'text'],
  'response.refusal.delta': ['response.refusal.done', 'refusal'],
  'response.reasoning_text.delta': ['response.reasoning_text.done', 'text'],
  'response.reasoning_summary_text.delta': ['response.reasoning_summary_text.done', 'text'],
  'response.function_call_arguments.delta': ['response.function_call_arguments.done', 'arguments'],
  'response.custom_tool_call_input.delta': ['response.custom_tool_call_input.done', 'input'],
};
const doneEvents = new Map(Object.entries(textEvents).map(([delta, [done, field]]) => [done, { delta, field }]));

export function bracketProblems(events: readonly Event[]): string[] {
  const problems: string[] = [];
  const openItems = new Map<string, { outputIndex: number; type: unknown }>();
  const seenItems = new Set<string>();
  const openParts = new Set<string>();
  const texts = new Map<string, string>();
  const doneItems: unknown[] = [];
  let ended: string | undefined;

  events.forEach((event, position) => {
    const where = `event ${position} (${String(event['type'])})`;
    const type = String(event['type']);
    if (event['sequence_number'] !== position) problems.push(`${where}: sequence_number ${String(event['sequence_number'])}, expected ${position}`);
    if (ended) problems.push(`${where}: comes after ${ended}`);
    const itemId = String(event['item_id'] ?? '');
    const partKey = `${itemId}|${type.includes('summary') ? 's' : 'c'}${String(event['summary_index'] ?? event['content_index'] ?? '')}`;
    const needOpenItem = (): void => {
      const open = openItems.get(itemId);
      if (!open) problems.push(`${where}: item ${itemId} is not open`);
      else if (open.outputIndex !== event['output_index'])
        problems.push(`${where}: output_index ${String(event['output_index'])}, the item has ${open.outputIndex}`);
    };

    if (type === 'response.output_item.added') {
      const item = event['item'] as Event | undefined;
      const id = String(item?.['id'] ?? '');
      if (!id) problems.push(`${where}: item has no id`);
      if (seenItems.has(id)) problems.push(`${where}: item ${id} added twice`);
      if (openItems.size > 0) problems.push(`${where}: item ${id} opened while ${[...openItems.keys()].join(', ')} is open`);
      if (event['output_index'] !== seenItems.size) problems.push(`${where}: output_index ${String(event['output_index'])}, expected ${seenItems.size}`);
      seenItems.add(id);
      openItems.set(id, { outputIndex: Number(event['output_index']), type: item?.['type'] });
    } else if (type === 'response.output_item.done') {
      const item = event['item'] as Event | undefined;
      const id = String(item?.['id'] ?? '');
      const open = openItems.get(id);
      if (!open) problems.push(`${where}: item ${id} was not open`);
      else if (open.type !== item?.['type']) problems.push(`${where}: item ${id} was added as ${String(open.type)}, done as ${String(item?.['type'])}`);
      for (const key of openParts) if (key.startsWith(`${id}|`)) problems.push(`${where}: item ${id} done with part ${key} still open`);
      openItems.delete(id);
      doneItems.push(item);
    } else if (type === 'response.content_part.added' || type === 'response.reasoning_summary_part.added') {
      needOpenItem();
      if (openParts.has(partKey)) problems.push(`${where}: part ${partKey} added twice`);
      openParts.add(partKey);
    } else if (type === 'response.content_part.done' || type === 'response.reasoning_summary_part.done') {
      if (!openParts.delete(partKey)) problems.push(`${where}: part ${partKey} was not open`);
      const part = event['part'] as Event | undefined;
      const whole = part?.['text'] ?? part?.['refusal'];
      if (texts.has(partKey) && whole !== texts.get(partKey)) problems.push(`${where}: part text differs from its deltas`);
    } else if (type in textEvents) {
      needOpenItem();
      const key = type.endsWith('function_call_arguments.delta') || type.endsWith('custom_tool_call_input.delta') ? itemId : partKey;
      if (key === partKey && !openParts.has(partKey)) problems.push(`${where}: part ${partKey} is not open`);
      texts.set(key, (texts.get(key) ?? '') + String(event['delta'] ?? ''));
    } else if (doneEvents.has(type)) {
      needOpenItem();
      const { field } = doneEvents.get(type) ?? { field: '' };
      const key = type.endsWith('function_call_arguments.done') || type.endsWith('custom_tool_call_input.done') ? itemId : partKey;
      const streamed = texts.get(key) ?? '';
      if (event[field] !== streamed) problems.push(`${where}: ${field} ${JSON.stringify(event[field])} differs from its deltas ${JSON.stringify(streamed)}`);
      texts.set(key, streamed);
    } else if (terminal.has(type)) {
      ended = type;
      if (type !== 'response.failed') {
        if (openItems.size > 0) problems.push(`${where}: items still open: ${[...openItems.keys()].join(', ')}`);
        if (openParts.size > 0) problems.push(`${where}: parts still open: ${[...openParts].join(', ')}`);
      }
      const output = (event['response'] as Event | undefined)?.['output'];
      if (!isDeepStrictEqual(output, doneItems)) problems.push(`${where}: response.output differs from the items of output_item.done`);
    }
  });
  if (!ended) problems.push('the stream has no response.completed, response.incomplete or response.failed');
  return problems;
}

/** Throws with every problem listed, for tests that only need a pass or fail. */
export function assertBracketed(events: readonly Event[]): void {
  const problems = bracketProblems(events);
  if (problems.length > 0) throw new Error(`Responses stream is not well bracketed:\n${problems.join('\n')}`);
}
