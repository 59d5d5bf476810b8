// Each built-in detector on true positives and on near misses it must leave alone; the checksums; redaction.
import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid } from './detectors.js';
import { definitionsOf } from './guard.js';
import { PrivacyScanner } from './scanner.js';
import { personalDetectorNames, secretDetectorNames, userPatternProblem } from '../../config/detector-names.js';

const scanner = new PrivacyScanner(definitionsOf({ action: 'warn', detectors: ['secrets', 'personal'], patterns: [], pathGlobs: [], clients: {} }), [
  '.env',
  '**/secrets/**',
  '*.pem',
]);

function names(text: string): string[] {
  return scanner.scan(text).map((finding) => finding.detector);
}

// Built at run time so no scanner flags this file as holding real credentials.
const awsKey = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const awsSecret = ['wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'].join('');
const openaiKey = ['sk-proj-', 'Abc123Def456Ghi789Jkl012Mno345'].join('');
const anthropicKey = ['sk-ant-api03-', 'x'.repeat(30), '-AbCdEf'].join('');
const githubToken = ['ghp_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');
const slackToken = ['xoxb-', '1234567890-0987654321-AbCdEfGhIjKl'].join('');
const stripeKey = ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('');
const gcpKey = ['AIza', 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'].join('');
const jwt = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');

describe('secret detectors', () => {
  const cases: Array<[string, string]> = [
    ['aws-access-key', `key id ${awsKey} here`],
    ['aws-secret-key', `aws_secret_access_key = ${awsSecret}`],
    ['openai-api-key', `OPENAI key: ${openaiKey}`],
    ['anthropic-api-key', `use ${anthropicKey} please`],
    ['github-token', `token ${githubToken}`],
    ['slack-token', `slack ${slackToken}`],
    ['slack-webhook', 'post to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX now'],
    ['stripe-key', `stripe ${stripeKey}`],
    ['gcp-api-key', `maps key ${gcpKey}`],
    ['gcp-service-account', '{"type": "service_account", "private_key_id": "0123456789abcdef0123456789abcdef01234567"}'],
    ['jwt', `Authorization: ${jwt}`],
    ['private-key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'],
    ['private-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA (cut off)'],
    ['env-secret', 'PORT=8080\nDATABASE_PASSWORD=hunter2hunter2\n'],
    ['env-secret', 'export STRIPE_SECRET="abcdefgh12345"'],
  ];
  it.each(cases)('%s fires on %j', (name, text) => {
    expect(names(text)).toContain(name);
  });

  it('an Anthropic key is named as one, not as an OpenAI key', () => {
    expect(names(anthropicKey)).toEqual(['anthropic-api-key']);
  });

  const nearMisses = [
    'AKIA1234', // too short for an access key id
    'akiaiosfodnn7example', // lower case is not an access key id
    'the task-list has sk-short items', // sk- but too short
    'ghp_short',
    'eyJhbGciOi.nope', // one part is not a JWT
    '-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----',
    'PORT=8080\nDEBUG=true\nTOKEN_COUNT=3', // not secret-named, or too short a value
    'const password = getPassword();', // not an env line
  ];
  it.each(nearMisses)('stays quiet on %j', (text) => {
    expect(names(text)).toEqual([]);
  });
});

describe('personal data detectors', () => {
  it('finds e-mail addresses and phone numbers', () => {
    expect(names('write to jane.doe+x@example.co.uk today')).toEqual(['email']);
    expect(names('call +44 20 7946 0958 or (415) 555-2671')).toEqual(['phone-number', 'phone-number']);
    expect(names('version 1.2.3 at 10:30, +1 2')).toEqual([]);
  });

  it('card numbers must pass the Luhn check', () => {
    expect(names('card 4111 1111 1111 1111 exp 12/30')).toEqual(['card-number']);
    expect(names('card 4111-1111-1111-1111')).toEqual(['card-number']);
    expect(names('order 4111 1111 1111 1112')).toEqual([]);
    expect(names('id 1234567890123')).toEqual([]);
    expect(luhnValid('79927398713')).toBe(false); // valid Luhn but too short for a card
    expect(luhnValid('4012888888881881')).toBe(true);
    expect(luhnValid('4012888888881882')).toBe(false);
  });

  it('IBANs must pass the mod-97 check', () => {
    expect(names('pay to GB82 WEST 1234 5698 7654 32')).toEqual(['iban']);
    expect(names('pay to DE89370400440532013000')).toEqual(['iban']);
    expect(names('pay to GB82 WEST 1234 5698 7654 33')).toEqual([]);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('FR1420041010050500013M02606')).toBe(true);
  });
});

describe('scanner', () => {
  it('reports spans of the matched text', () => {
    const text = `before ${awsKey} after`;
    const [finding] = scanner.scan(text);
    expect(finding).toEqual({ detector: 'aws-access-key', start: 7, end: 7 + awsKey.length });
  });

  it('redacts with a placeholder; an env line keeps its name', () => {
    expect(scanner.redact(`a ${awsKey} b`)).toBe('a [REDACTED:aws-access-key] b');
    expect(scanner.redact('API_TOKEN=abcdefgh12345678\nX=1')).toBe('API_TOKEN=[REDACTED:env-secret]\nX=1');
    expect(scanner.redact('nothing here at all')).toBe('nothing here at all');
  });

  it('matches attached file names against path globs', () => {
    expect(scanner.matchesPath('/home/me/project/.env')).toBe(true);
    expect(scanner.matchesPath('config/secrets/db.yaml')).toBe(true);
    expect(scanner.matchesPath('C:\\keys\\server.pem')).toBe(true);
    expect(scanner.matchesPath('src/env.ts')).toBe(false);
  });

  it('takes user patterns and refuses ones that would break the joined pattern', () => {
    const own = new PrivacyScanner(
      definitionsOf({ action: 'warn', detectors: [], patterns: [{ name: 'project-codename', pattern: 'BLUE-(?:HERON|FALCON)' }], pathGlobs: [], clients: {} }),
    );
    expect(own.scan('ship BLUE-HERON on friday').map((finding) => finding.detector)).toEqual(['project-codename']);
    expect(userPatternProblem('(?<x>a)')).toMatch(/named groups/);
    expect(userPatternProblem('(a)\\1')).toMatch(/back-references/);
    expect(userPatternProblem('a*')).toMatch(/empty string/);
    expect(userPatternProblem('[')).toBeDefined();
  });

  it('a long text read before gives the same answer (from the memo), and new long texts are read', () => {
    const long = `${'filler text '.repeat(500)} ${awsKey}`;
    const first = new Set<string>();
    scanner.detect(long, first);
    const again = new Set<string>();
    scanner.detect(Buffer.from(long).toString(), again);
    expect([...again]).toEqual([...first]);
    expect([...first]).toEqual(['aws-access-key']);
    const clean = new Set<string>();
    scanner.detect('filler text '.repeat(600), clean);
    expect(clean.size).toBe(0);
    // many distinct long texts: each is still read (the memo's bound never hides a new text)
    for (let index = 0; index < 600; index += 1) {
      const fired = new Set<string>();
      scanner.detect(`${index} ${'x '.repeat(2_100)} ${index % 2 === 0 ? awsKey : ''}`, fired);
      expect(fired.has('aws-access-key')).toBe(index % 2 === 0);
    }
  });

  it('lists every built-in once', () => {
    expect(new Set([...secretDetectorNames, ...personalDetectorNames]).size).toBe(secretDetectorNames.length + personalDetectorNames.length);
  });
});
