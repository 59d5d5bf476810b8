import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { presentedToken } from '../../http/auth.js';

const request = (url: string, headers: Record<string, string> = {}): IncomingMessage => ({ url, headers }) as unknown as IncomingMessage;

describe('the client token as ?key= (Gemini paths only)', () => {
  it.each([
    ['/v1beta/models/fast:generateContent?key=sy-token', 'sy-token'],
    ['/v1/v1beta/models?pageSize=5&key=sy-token', 'sy-token'],
    ['/v1/models/openai/gpt-4o:streamGenerateContent?alt=sse&key=sy-token', 'sy-token'],
    ['/v1beta/models?key=', undefined],
    ['/v1/chat/completions?key=sy-token', undefined],
    ['/v1/models/gpt-4o?key=sy-token', undefined],
    ['/api/chat?key=sy-token', undefined],
  ])('%s → %s', (url, token) => {
    expect(presentedToken(request(url))).toBe(token);
  });

  it('a header wins over the query', () => {
    expect(presentedToken(request('/v1beta/models?key=from-query', { 'x-goog-api-key': 'from-header' }))).toBe('from-header');
  });
});
