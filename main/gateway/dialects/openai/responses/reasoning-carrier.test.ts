import { describe, expect, it } from 'vitest';
import { decodeReasoningCarrier, encodeReasoningCarrier, isReasoningCarrier, mergeReasoningDetails } from './reasoning-carrier.js';

describe('reasoning carrier', () => {
  it('round-trips details and text, unicode included', () => {
    const carrier = { details: [{ type: 'reasoning.text', text: 'ünïcode ✓', signature: 's', format: 'anthropic-claude-v1', index: 0 }], text: 'ünïcode ✓' };
    const encoded = encodeReasoningCarrier(carrier);
    expect(encoded).toMatch(/^sy1\.[A-Za-z0-9_-]+$/);
    expect(isReasoningCarrier(encoded)).toBe(true);
    expect(decodeReasoningCarrier(encoded)).toEqual(carrier);
  });

  it("is not OpenAI's, and a damaged one is ignored", () => {
    expect(isReasoningCarrier('gAAAAABo')).toBe(false);
    expect(decodeReasoningCarrier('gAAAAABo')).toBeUndefined();
    expect(decodeReasoningCarrier('sy1.%%%')).toBeUndefined();
    expect(decodeReasoningCarrier(`sy1.${Buffer.from('[1]').toString('base64url')}`)).toBeUndefined();
  });

  it('joins streamed thinking fragments by index and keeps other details as they are', () => {
    const format = 'anthropic-claude-v1';
    expect(
      mergeReasoningDetails([
        { type: 'reasoning.text', text: 'Let ', format, index: 0 },
        { type: 'reasoning.text', text: 'me.', format, index: 0 },
        { type: 'reasoning.text', signature: 'sig', format, index: 0 },
        { type: 'reasoning.encrypted', data: 'redacted', format, index: 1 },
        { type: 'reasoning.encrypted', data: 'g1', format: 'google-gemini-v1', index: 0 },
      ]),
    ).toEqual([
      { type: 'reasoning.text', text: 'Let me.', signature: 'sig', format, index: 0 },
      { type: 'reasoning.encrypted', data: 'redacted', format, index: 1 },
      { type: 'reasoning.encrypted', data: 'g1', format: 'google-gemini-v1', index: 0 },
    ]);
  });
});
