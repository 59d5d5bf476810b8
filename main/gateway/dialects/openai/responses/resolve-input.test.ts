// The turn's items as a stored response keeps them: storedTurnJson writes a text input's one message as text, and
// must give what JSON.stringify(storedTurn()) gives (ids aside: each call makes new ones) and the ids in it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainInput, storedTurn, storedTurnJson } from './resolve-input.js';
import { validateResponsesRequest } from './schema.js';

/** generated ids differ between two calls; numbered by first appearance they must not */
const numberedIds = (json: string): string => {
  const seen = new Map<string, number>();
  return json.replace(/msg_[0-9a-f]{48}/g, (id) => `id${seen.get(id) ?? seen.set(id, seen.size).size - 1}`);
};

describe('storedTurnJson', () => {
  it('a text input: one user message with a new msg_ id, as JSON.stringify writes it, for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('"quoted"', 'back\\slash', 'line\nbreak', '\u2028', '😀', '\ud800', '</script>')), (input) => {
        const request = validateResponsesRequest({ model: 'gpt-4.1', input });
        const resolved = plainInput(request);
        if (!resolved) throw new Error('a text input names nothing stored');
        const { json, ids } = storedTurnJson(request, resolved);
        expect(numberedIds(json)).toBe(numberedIds(JSON.stringify(storedTurn(resolved))));
        const items = JSON.parse(json) as Record<string, unknown>[];
        expect(items).toEqual([{ id: ids[0], type: 'message', role: 'user', content: input }]);
        expect(ids[0]).toMatch(/^msg_[0-9a-f]{48}$/);
      }),
      { numRuns: 300 },
    );
  });

  it('items: those without an id get one, those with one keep it; ids listed in order', () => {
    const request = validateResponsesRequest({
      model: 'gpt-4.1',
      input: [
        { role: 'user', content: 'first' },
        { type: 'message', id: 'msg_given', role: 'assistant', content: [{ type: 'output_text', text: 'second' }] },
        { type: 'function_call_output', call_id: 'call_1', output: 'done' },
      ],
    });
    const resolved = plainInput(request);
    if (!resolved) throw new Error('these items name nothing stored');
    const { json, ids } = storedTurnJson(request, resolved);
    const items = JSON.parse(json) as Record<string, unknown>[];
    expect(items.map((item) => item['id'])).toEqual(ids);
    expect(ids[0]).toMatch(/^msg_/);
    expect(ids[1]).toBe('msg_given');
    expect(ids[2]).toMatch(/^fco_/);
    expect(items.map((item) => ({ ...item, id: undefined }))).toEqual(storedTurn(resolved).map((item) => ({ ...item, id: undefined })));
  });
});
