// The anchored scan finds exactly what the plain scan finds (the joined pattern run over the whole text, as the
// scanner did before it had anchors): the same detectors, the same spans, in the same order. Texts are random
// pieces of keys, near misses, numbers and filler, so matches overlap, touch and sit at the text's edges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PrivacySettings } from '../../config/privacy.js';
import type { DetectorDefinition } from './detectors.js';
import { definitionsOf } from './guard.js';
import { PrivacyScanner, type Finding } from './scanner.js';

/** The plain scan: the joined pattern from each position on; a kept match hides the matches that start inside it. */
function plainScan(definitions: readonly DetectorDefinition[], text: string): Finding[] {
  const findings: Finding[] = [];
  if (definitions.length === 0) return findings;
  const pattern = new RegExp(definitions.map((definition, index) => `(?<d${index}>${definition.source})`).join('|'), 'g');
  // bounded: lastIndex moves forward by at least one character every turn
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const index = definitions.findIndex((_, position) => match.groups?.[`d${position}`] !== undefined);
    const definition = definitions[index] as DetectorDefinition;
    const span = definition.span ? definition.span(text, match.index, match[0]) : ([match.index, match.index + match[0].length] as const);
    if (span) {
      findings.push({ detector: definition.name, start: span[0], end: span[1] });
      pattern.lastIndex = Math.max(match.index + match[0].length, match.index + 1);
    } else pattern.lastIndex = match.index + 1;
  }
  return findings;
}

// Built at run time so no scanner flags this file as holding real credentials.
const keys = [
  ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join(''),
  ['ASIA', 'Z2345678ABCDEFGH'].join(''),
  ['AKIA', '2OSFODNN7EXAMPLE'].join(''),
  ['aws_secret_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'].join(''),
  ['SECRETACCESSKEY: "', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'].join(''),
  ['AWS_SECRET_ACCESS_KEY=', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'].join(''),
  ['secretaccess_key:', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'].join(''),
  ['secretaccesskey = "', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'].join(''),
  ['sk-proj-', 'Abc123Def456Ghi789Jkl012Mno345'].join(''),
  ['sk-ant-api03-', 'x'.repeat(24), '-AbCdEf'].join(''),
  ['ghp_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join(''),
  ['github_pat_', '11ABCDEFG0123456789_abcdefghij'].join(''),
  ['xoxb-', '1234567890-AbCdEfGhIjKl'].join(''),
  ['https://hooks.slack.com/', 'services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'].join(''),
  ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join(''),
  ['whsec_', 'test_0123456789abcdefABCDEF'].join(''),
  ['AIza', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'].join(''),
  '"private_key_id": "0123456789abcdef0123456789abcdef01234567"',
  ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.'),
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  '\nDATABASE_PASSWORD=hunter2hunter2\n',
  '\nexport STRIPE_SECRET="abcdefgh12345"',
  '\n  API_KEY = abcdefgh1234',
  '\nAUTH_TOKEN=0123456789abcdef',
  '\nPRIVATE_KEY=abcdefgh12345678',
  '\nCREDENTIALS: x\nCREDENTIALS=abcdefghijkl',
  'jane.doe+x@example.co.uk',
  'a.@example.org',
  '100%@example.org',
  "o'+@example.org",
  "o'@example.org",
  '+44 20 7946 0958',
  '(415) 555-2671',
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  '4012888888881881',
  '4222222222222', // 13 digits, the shortest card
  '(415)555-2671', // 13 characters
  '+4915112345678',
  'NO9386011117947', // 15 characters, the shortest IBAN
  'GB83 WEST ABCD EFGH IJ', // two digits only
  'GB82 WEST 1234 5698 7654 32',
  'DE89370400440532013000',
  'BLUE-HERON',
];
/** Pieces that start a match and stop short, or sit where a match may not start. */
const nearMisses = [
  'sk-',
  'ask-',
  'sk_',
  'AKIA',
  'A',
  'AIza',
  'gh',
  'ghp_',
  'xox',
  'xoxb-',
  'eyJ',
  'eyJa.',
  'J',
  'k',
  'key',
  '_',
  '-----BEGIN ',
  'PRIVATE KEY',
  'PRIVATE',
  'SECRET',
  'TOKEN',
  'PASS',
  'API',
  'AUTH',
  'ACCESS',
  'CREDENTIAL',
  'ecret',
  'ECRET_',
  '=',
  ' = ',
  '@',
  '+1',
  '(',
  ')',
  '12',
  '4111',
  ' ',
  '\n',
  '\t',
  'export ',
  '"',
  "'",
  '.',
  '/',
  ':',
  '#',
  'é',
  '→',
  'lorem ipsum ',
  'const value = 1;',
];
const characters = [...'aAbBkKxXjJ09_-=@+().:/"\' \n\tzZé→'];

/** A private key's header with 0–45 characters of [A-Z0-9 ] between `-----BEGIN ` and `PRIVATE KEY` (40 at most match). */
const header = fc
  .integer({ min: 0, max: 45 })
  .chain((length) => fc.string({ unit: fc.constantFrom('A', 'Z', '0', ' '), minLength: length, maxLength: length }))
  .map((middle) => `-----BEGIN ${middle}PRIVATE KEY-----`);

const piece = fc.oneof(
  { weight: 1, arbitrary: header },
  { weight: 2, arbitrary: fc.constantFrom(...keys) },
  { weight: 3, arbitrary: fc.constantFrom(...nearMisses) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...characters), maxLength: 12 }) },
  // a key cut short or run on: a match's end and the characters after it
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...keys), fc.nat(60)).map(([key, length]) => key.slice(0, length)) },
);
const texts = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));

function settings(detectors: readonly string[], patterns: PrivacySettings['patterns'] = []): PrivacySettings {
  return { action: 'warn', detectors, patterns, pathGlobs: [], clients: {} };
}

const configs: Array<[string, PrivacySettings]> = [
  ['secrets', settings(['secrets'])],
  ['secrets and personal data', settings(['secrets', 'personal'])],
  ['one detector of a shared anchor', settings(['aws-access-key', 'card-number'])],
  [
    'user patterns alongside the built-ins',
    settings(
      ['secrets', 'personal'],
      [
        { name: 'codename', pattern: 'BLUE-(?:HERON|FALCON)' },
        { name: 'digits', pattern: '[0-9]{2,}' },
      ],
    ),
  ],
];

describe('the anchored scan finds what the plain scan finds', () => {
  it.each(configs)('%s', (_name, config) => {
    const definitions = definitionsOf(config);
    const scanner = new PrivacyScanner(definitions);
    fc.assert(
      fc.property(texts, (text) => {
        const expected = plainScan(definitions, text);
        expect(scanner.scan(text)).toEqual(expected);
        const fired = new Set<string>();
        scanner.detect(text, fired);
        // detect skips texts shorter than the shortest built-in match (a user pattern may match one; scan does not skip)
        if (text.length >= 8) expect([...fired].sort()).toEqual([...new Set(expected.map((finding) => finding.detector))].sort());
      }),
      { numRuns: 1_500 },
    );
  });

  it('on long texts too (the memo, and positions past 64 K)', () => {
    const definitions = definitionsOf(settings(['secrets', 'personal']));
    const scanner = new PrivacyScanner(definitions);
    const long = fc.tuple(fc.array(piece, { minLength: 20, maxLength: 200 }), fc.nat(3)).map(([pieces, repeat]) => pieces.join('').repeat(repeat * 200 + 1));
    fc.assert(
      fc.property(long, (text) => {
        const expected = plainScan(definitions, text);
        expect(scanner.scan(text)).toEqual(expected);
        for (let turn = 0; turn < 2; turn += 1) {
          const fired = new Set<string>();
          scanner.detect(text, fired);
          expect([...fired].sort()).toEqual([...new Set(expected.map((finding) => finding.detector))].sort());
        }
      }),
      { numRuns: 60 },
    );
  });

  it('redacts the same spans', () => {
    const definitions = definitionsOf(settings(['secrets', 'personal']));
    const scanner = new PrivacyScanner(definitions);
    fc.assert(
      fc.property(texts, (text) => {
        let expected = '';
        let copied = 0;
        for (const finding of plainScan(definitions, text)) {
          if (finding.start < copied) continue;
          expected += `${text.slice(copied, finding.start)}[REDACTED:${finding.detector}]`;
          copied = finding.end;
        }
        expect(scanner.redact(text)).toBe(copied === 0 ? text : expected + text.slice(copied));
      }),
      { numRuns: 500 },
    );
  });
});
