// Privacy-guard benchmark: CPU µs per request of the guard alone on a 64 KB prompt (PROMPT_BYTES), the way the
// pipeline runs it — the route's action looked up, every message's text read by the scanner — with the
// default detectors (secrets) and with every detector on (secrets + personal data), on a clean prompt (the common
// case) and on one with a key in it (detection plus redaction of what goes upstream); each request's text new to the
// guard (cold), and once as the same text again (what a chat client's resent history costs). gateway-bench.js runs
// it as its `privacy` phase and sets the cold figure against the `large` phase's CPU per request.
// Run: npm run bench:privacy   (node --import ./main/ledger/test-support/ts-register.mjs bench/privacy-bench.ts)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatRequest } from '../shared/openai-types.js';
import type { PrivacySettings } from '../main/config/privacy.js';
import { effectiveAction, scannerFor, verdictOf } from '../main/gateway/privacy/guard.js';
import { detectInChat, redactChat } from '../main/gateway/privacy/request-text.js';

const promptBytes = Number(process.env['PROMPT_BYTES'] ?? 65_536);
const rounds = Number(process.argv[2] ?? 400);

/** Three 64 KB prompts: the harness's own filler (what the `large` phase sends), source code (what coding agents
 *  send: identifiers, `_`, `-`, `=`, upper case), and words chosen to start a match of many detectors (worst case). */
function prompts(bytes: number): Record<string, string> {
  const filler = 'lorem ipsum '.repeat(Math.ceil(bytes / 12)).slice(0, bytes);
  let code = '';
  for (const folder of ['main/gateway/routing', 'main/gateway/pipeline', 'main/ledger']) {
    for (const name of readdirSync(folder)) if (name.endsWith('.ts') && code.length < bytes) code += readFileSync(join(folder, name), 'utf8');
  }
  const words = [
    'the',
    'router',
    'sends',
    'request',
    'to',
    'local',
    'model',
    'at',
    '10:30',
    'with',
    'id',
    '42',
    'and',
    'user@',
    'notes,',
    'sk-',
    'plan.',
    'AKIA',
    '-----',
    'TOKEN=5',
  ];
  let worst = '';
  for (let index = 0; worst.length < bytes; index += 1) worst += `${words[(index * 7) % words.length]} `;
  return { 'harness filler': filler, 'source code': code.slice(0, bytes), 'worst case': worst.slice(0, bytes) };
}

function request(content: string): ChatRequest {
  return {
    model: 'mock/gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content },
    ],
  };
}

/** Steady state, as in a gateway that has served a while: the warm-up reads every variant and lets V8 optimise. */
const warmUp = 500;

function microseconds(run: () => unknown): number {
  for (let index = 0; index < warmUp; index += 1) run();
  const start = process.cpuUsage();
  for (let index = 0; index < rounds; index += 1) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / rounds;
}

const secrets: PrivacySettings = { action: 'warn', detectors: ['secrets'], patterns: [], pathGlobs: [], clients: {} };
const everything: PrivacySettings = { ...secrets, detectors: ['secrets', 'personal'], pathGlobs: ['.env', '*.pem'] };
const key = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
function guard(settings: PrivacySettings, chat: ChatRequest): unknown {
  const action = effectiveAction(settings, undefined, 'bench');
  const scanner = scannerFor(settings);
  const verdict = verdictOf(action, detectInChat(scanner, chat), scanner);
  return verdict ? redactChat(scanner, chat) : undefined;
}

/**
 * A fresh text per request (`cold`: no turn seen before), cycling through more variants than the scanner's memo
 * holds; and the same text again (`repeated`: the conversation history a chat client resends with every turn).
 */
function variants(text: string): ChatRequest[] {
  // flat strings, as the request's JSON.parse makes them (a concatenation would be flattened on its first read)
  return Array.from({ length: 160 }, (_, index) => request(JSON.parse(JSON.stringify(`${index} ${text.slice(String(index).length + 1)}`)) as string));
}

const rows: Array<[string, number]> = [];
for (const [name, text] of Object.entries(prompts(promptBytes))) {
  const cold = variants(text);
  const dirty = variants(`${text.slice(0, promptBytes / 2)} ${key} ${text.slice(promptBytes / 2)}`);
  let turn = 0;
  rows.push([`${name}: secrets (default)`, microseconds(() => guard(secrets, cold[turn++ % cold.length] as ChatRequest))]);
  rows.push([`${name}: secrets, a key in it (+ redaction)`, microseconds(() => guard(secrets, dirty[turn++ % dirty.length] as ChatRequest))]);
  rows.push([`${name}: all detectors`, microseconds(() => guard(everything, cold[turn++ % cold.length] as ChatRequest))]);
  // equal texts in distinct strings, as each request's JSON.parse makes them (a hit compares the characters)
  const repeated = Array.from({ length: 32 }, () => request(Buffer.from(text, 'utf8').toString('utf8')));
  rows.push([`${name}: secrets, repeated text (history)`, microseconds(() => guard(secrets, repeated[turn++ % repeated.length] as ChatRequest))]);
}
console.log(`privacy guard, CPU µs per request, ${promptBytes}-byte prompt, ${rounds} rounds`);
for (const [name, value] of rows) console.log(`  ${name.padEnd(56)} ${value.toFixed(1).padStart(8)} µs`);
console.log(JSON.stringify({ promptBytes, microseconds: Object.fromEntries(rows) }));
