// What the privacy guard looks for: provider and cloud credentials, private keys, `.env`-style secret lines, and
// (opt-in) personal data. Every detector is one regular expression, all of them joined into one alternation that is
// compiled once per config. Running that alternation over a whole prompt costs 1.5–4 ns a character, so each
// built-in also names where its matches can start (anchors.ts): the scanner runs the alternation only there.
// Detectors whose pattern alone gives false positives (card numbers, IBANs, phone numbers) add a cheap check of the
// match.
import {
  atSign,
  cardRun,
  ibanRun,
  isTokenCharacter,
  lowerK,
  parenthesisedPhone,
  plusDigit,
  startsLine,
  underscore,
  upperA,
  upperJ,
  upperT,
  xox,
  type AnchorPass,
  type NumberRun,
} from './anchors.js';

import type { BuiltInDetectorName } from '../../config/detector-names.js';

export interface DetectorDefinition {
  readonly name: string;
  /**
   * A pattern without named groups or back-references (it is one alternative of the joined pattern). Built-ins check
   * a boundary or a line start in `span`, not in the pattern: their anchors can then check it too, before the
   * pattern runs.
   */
  readonly source: string;
  /**
   * The span to report (and redact) for a match at `index`, or undefined to drop the match (a failed checksum, no
   * word boundary before it). Without it the match itself is the span.
   */
  readonly span?: (text: string, index: number, match: string) => readonly [start: number, end: number] | undefined;
  /**
   * Where the matches `span` keeps can start (anchors.ts): passes that find a literal every such match holds, and
   * runs of number-like characters. Without either, the scanner searches with `source` itself (the user's patterns).
   */
  readonly anchors?: readonly AnchorPass[];
  readonly run?: NumberRun;
}

const envNames = '(?:SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH)';

/** The match, when it starts a word (what `\b` would say, for tokens that may hold `-` and `_`). */
function wordStart(text: string, index: number, match: string): readonly [number, number] | undefined {
  return index > 0 && isTokenCharacter(text.charCodeAt(index - 1)) ? undefined : [index, index + match.length];
}

/** A key's value after `=` or `:` (and a quote): the name stays readable, the value goes. */
function valueAfterAssignment(index: number, match: string, valueLength?: number): readonly [number, number] {
  if (valueLength !== undefined) return [index + match.length - valueLength, index + match.length];
  let start = match.search(/[=:]/) + 1;
  while (start < match.length && (match[start] === ' ' || match[start] === '\t' || match[start] === '"' || match[start] === "'")) start += 1;
  return [index + start, index + match.length];
}

const builtIns: Readonly<Record<BuiltInDetectorName, DetectorDefinition>> = {
  // the whole block when its end is near; otherwise the header alone still fires (and is redacted)
  'private-key': {
    name: 'private-key',
    source: '-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]{0,16384}?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)?',
    anchors: [upperA],
  },
  'anthropic-api-key': { name: 'anthropic-api-key', source: 'sk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_-]{20,}', span: wordStart, anchors: [lowerK] },
  'openai-api-key': { name: 'openai-api-key', source: 'sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}', span: wordStart, anchors: [lowerK] },
  'aws-access-key': {
    name: 'aws-access-key',
    source: '(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[0-9A-Z]{16}(?![0-9A-Za-z])',
    span: wordStart,
    anchors: [upperA],
  },
  'aws-secret-key': {
    name: 'aws-secret-key',
    source: '(?:ecret_?access_?key|ECRET_?ACCESS_?KEY)["\']?[ \\t]*[:=][ \\t]*["\']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])',
    span: (_text, index, match) => valueAfterAssignment(index, match, 40),
    anchors: [lowerK, upperA],
  },
  'gcp-api-key': { name: 'gcp-api-key', source: 'AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])', span: wordStart, anchors: [upperA] },
  'gcp-service-account': {
    name: 'gcp-service-account',
    source: '"private_key_id"[ \\t]*:[ \\t]*"[0-9a-f]{40}"',
    span: (_text, index, match) => [index + match.length - 41, index + match.length - 1],
    anchors: [underscore],
  },
  'github-token': {
    name: 'github-token',
    source: 'gh(?:[pousr]_[A-Za-z0-9]{36,255}|ithub_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])',
    span: wordStart,
    anchors: [underscore],
  },
  'slack-token': { name: 'slack-token', source: 'xox[abposre]-[A-Za-z0-9-]{10,250}', span: wordStart, anchors: [xox] },
  'slack-webhook': { name: 'slack-webhook', source: 'hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9_/+-]{20,}', anchors: [lowerK] },
  'stripe-key': { name: 'stripe-key', source: '(?:[sr]k|whsec)_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])', span: wordStart, anchors: [underscore] },
  jwt: { name: 'jwt', source: 'eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}', span: wordStart, anchors: [upperJ] },
  // NAME=value on a line of its own (`export` allowed), where NAME says it is a secret; the value goes, the name stays
  'env-secret': {
    name: 'env-secret',
    source: `${envNames}[A-Z0-9_]*[ \\t]*=[ \\t]*["']?[^\\s"'#]{8,}`,
    span: (text, index, match) => (startsLine(text, index) ? valueAfterAssignment(index, match) : undefined),
    anchors: [upperA, upperT],
  },
  // from the `@` (a literal), the local part found by walking back
  email: {
    name: 'email',
    source: '@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])',
    span: (text, index, match) => {
      let start = index;
      while (start > 0 && start > index - 64 && /[A-Za-z0-9._%+'-]/.test(text[start - 1] as string)) start -= 1;
      return start === index ? undefined : [start, index + match.length];
    },
    anchors: [atSign],
  },
  'phone-number': {
    name: 'phone-number',
    // international (+country) or the North-American (xxx) xxx-xxxx form; 8–15 digits
    source: '(?:\\+[1-9][0-9]{0,2}[ .-]?(?:\\(?[0-9]{1,4}\\)?[ .-]?){1,4}[0-9]{2,4}|\\([0-9]{3}\\)[ .-]?[0-9]{3}[ .-][0-9]{4})(?![0-9])',
    span: (text, index, match) => {
      const digits = match.replace(/[^0-9]/g, '').length;
      return digits >= 8 && digits <= 15 ? wordStart(text, index, match) : undefined;
    },
    anchors: [plusDigit],
    run: parenthesisedPhone,
  },
  'card-number': {
    name: 'card-number',
    source: '[0-9](?:[ -]?[0-9]){12,18}(?![0-9])',
    span: (text, index, match) => (luhnValid(match.replace(/[ -]/g, '')) ? wordStart(text, index, match) : undefined),
    run: cardRun,
  },
  iban: {
    name: 'iban',
    source: '[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])',
    span: (text, index, match) => (ibanValid(match.replace(/ /g, '')) ? wordStart(text, index, match) : undefined),
    run: ibanRun,
  },
};

export function builtInDetector(name: BuiltInDetectorName): DetectorDefinition {
  return builtIns[name];
}

/** Card numbers: the Luhn check digit (ISO/IEC 7812), 13–19 digits. */
export function luhnValid(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** IBANs: ISO 13616's mod-97 check (country code and check digits moved to the end, letters as 10–35). */
export function ibanValid(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? code - 55 : code - 48;
    if (value < 0 || value > 35) return false;
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}
