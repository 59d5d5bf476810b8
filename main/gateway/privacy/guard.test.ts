// Which action applies (the route's or the default, a client token's on top when stricter), and what the guard
// reads and rewrites of a canonical request: message text, tool-call arguments, tool results, attached file names.
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../shared/openai-types.js';
import type { PrivacySettings } from '../../config/privacy.js';
import { effectiveAction, scannerFor } from './guard.js';
import { detectInChat, redactChat, redactJson } from './request-text.js';

const settings: PrivacySettings = { action: 'warn', detectors: ['secrets'], patterns: [], pathGlobs: ['.env'], clients: { cursor: 'block', notebook: 'off' } };
const key = ['AKIA', 'ABCDEFGHIJKLMNOP'].join('');

describe('effectiveAction', () => {
  it('takes the route action over the default, and a client token’s when it is stricter', () => {
    expect(effectiveAction(settings, undefined, 'other')).toBe('warn');
    expect(effectiveAction(settings, 'redact', 'other')).toBe('redact');
    expect(effectiveAction(settings, 'local-only', 'cursor')).toBe('block');
    expect(effectiveAction(settings, 'local-only', 'notebook')).toBe('local-only');
    expect(effectiveAction(settings, 'off', 'notebook')).toBe('off');
  });
});

describe('request text', () => {
  const request: ChatRequest = {
    model: 'm',
    messages: [
      { role: 'system', content: 'no secrets here' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'file', file: { filename: 'app/.env', file_data: 'data:text/plain;base64,AAAA' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'deploy', arguments: JSON.stringify({ key }) } }] },
      { role: 'tool', tool_call_id: 'c1', content: `ok ${key}` },
    ],
  };

  it('finds keys in tool-call arguments and tool results, and attached files by name', () => {
    const scanner = scannerFor(settings);
    expect([...detectInChat(scanner, request)].sort()).toEqual(['aws-access-key', 'file-path']);
  });

  it('redacts them without touching the rest', () => {
    const redacted = redactChat(scannerFor(settings), request);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(key);
    expect(text).not.toContain('app/.env');
    expect(text).toContain('[REDACTED:aws-access-key]');
    expect(redacted.messages[0]).toEqual(request.messages[0]);
    expect(JSON.stringify(request)).toContain(key); // the original is left as it was
  });

  it('redacts every string of a native body, however deep', () => {
    const body = { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: `key ${key}` }] }], metadata: { note: key } };
    expect(JSON.stringify(redactJson(scannerFor(settings), body))).not.toContain(key);
  });
});
