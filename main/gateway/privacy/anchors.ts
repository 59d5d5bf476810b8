// Where the built-in detectors' matches can start, found without running their patterns. Each pass looks for one
// literal that every match of its detectors holds, with `indexOf` (memchr in V8: a 64 KB prompt without the
// literal's first character costs about 0.6 µs, and each occurrence of that character 10–25 ns more), checks a few
// characters around each hit, and adds the positions where a match could start. The scanner runs the joined pattern
// only there. Adding a position that holds no match costs one look; leaving one out would miss a match, which
// scanner.test.ts checks against the plain scan. Each pass is its own function with its checks written out, so V8
// inlines them: a shared loop calling a list of checks costs more than the checks.

/** Receives a position where a match may start (any number of times, in any order; a negative one is ignored). */
export type AddStart = (position: number) => void;

export interface AnchorPass {
  readonly literal: string;
  /** adds the starts it finds; returns how many times it met the literal (what reading `text` cost it) */
  readonly find: (text: string, add: AddStart) => number;
}

/**
 * For numbers, where no one character is rare: every match the detector keeps lies in a run of
 * `isNumberRunCharacter`, at least `minLength` characters long with `minDigits` digits. The scanner samples every
 * `minLength`-th character and hands each maximal run ([start, end)) that qualifies to `starts`.
 */
export interface NumberRun {
  readonly minLength: number;
  readonly minDigits: number;
  readonly starts: (text: string, start: number, end: number, add: AddStart) => void;
}

/**
 * `text` holds `literal` at `position`. A loop rather than `startsWith`: most calls fail on the first character, and
 * the loop inlines where the builtin costs a call (it would also look at 0 for a negative position).
 */
function has(text: string, literal: string, position: number): boolean {
  if (position < 0 || position + literal.length > text.length) return false;
  for (let index = 0; index < literal.length; index += 1) if (text.charCodeAt(position + index) !== literal.charCodeAt(index)) return false;
  return true;
}

/** ASCII letters, digits, `_` and `-`: what may not come right before a token for it to start a word. */
export function isTokenCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45;
}

/** The name that ends at `index` + its keyword starts a line: only blanks, and an optional `export `, before it. */
export function startsLine(text: string, index: number): boolean {
  let position = index;
  while (position > 0 && isNameCharacter(text.charCodeAt(position - 1))) position -= 1;
  position = skipBlanksBack(text, position);
  if (position >= 6 && text.startsWith('export', position - 6) && position < index) position = skipBlanksBack(text, position - 6);
  return position === 0 || text[position - 1] === '\n' || text[position - 1] === '\r';
}

function isNameCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function skipBlanksBack(text: string, index: number): number {
  let position = index;
  while (position > 0 && (text[position - 1] === ' ' || text[position - 1] === '\t')) position -= 1;
  return position;
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isUpperOrDigit(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/**
 * `A`: AWS access key ids (AKIA, ASIA, … all start and end with it), GCP API keys (AIza), the `A` of `PRIVATE KEY`
 * (a private key's header, `-----BEGIN ` and up to 40 characters of [A-Z0-9 ] before it), `ECRET_ACCESS_KEY` (AWS
 * secret keys, underscores optional) and the env-secret names PASS…, API…, ACCESS…, AUTH, PRIVATE….
 */
export const upperA: AnchorPass = {
  literal: 'A',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('A'); at !== -1; at = text.indexOf('A', at + 1)) {
      hits += 1;
      const before = text.charCodeAt(at - 1);
      const after = text.charCodeAt(at + 1);
      // a key id (AKIA…) and AIza… start a word; an env name starts a line
      if (text.charCodeAt(at + 3) === 65 && !isTokenCharacter(before) && isUpperOrDigit(text.charCodeAt(at + 4))) add(at);
      if (after === 73 && text.charCodeAt(at + 2) === 122 && !isTokenCharacter(before)) add(at); // AIza
      if (after === 67 && has(text, 'CCESS', at + 1)) {
        if (startsLine(text, at)) add(at);
        if (has(text, 'ECRET', at - 5)) add(at - 5);
        if (has(text, 'ECRET', at - 6)) add(at - 6);
      }
      if (((after === 80 && text.charCodeAt(at + 2) === 73) || (after === 85 && text.charCodeAt(at + 2) === 84)) && startsLine(text, at)) add(at); // API, AUTH
      if (before === 80 && after === 83 && text.charCodeAt(at + 2) === 83 && startsLine(text, at - 1)) add(at - 1); // PASS
      if (before === 86 && has(text, 'PRIVATE', at - 4)) {
        if (startsLine(text, at - 4)) add(at - 4);
        if (has(text, ' KEY', at + 3)) for (let start = at - 15; start >= at - 55; start -= 1) if (has(text, '-----BEGIN ', start)) add(start);
      }
    }
    return hits;
  },
};

/** `T`: the env-secret names SECRET…, TOKEN…, CREDENTIAL…. */
export const upperT: AnchorPass = {
  literal: 'T',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('T'); at !== -1; at = text.indexOf('T', at + 1)) {
      hits += 1;
      const before = text.charCodeAt(at - 1);
      if (before === 69 && has(text, 'SECRET', at - 5) && startsLine(text, at - 5)) add(at - 5);
      if (text.charCodeAt(at + 1) === 79 && has(text, 'TOKEN', at) && startsLine(text, at)) add(at);
      if (before === 78 && has(text, 'CREDENTIAL', at - 6) && startsLine(text, at - 6)) add(at - 6);
    }
    return hits;
  },
};

/** `k`: `sk-` (OpenAI and Anthropic keys), `hooks.slack.com/`, and `ecret_access_key` (underscores optional). */
export const lowerK: AnchorPass = {
  literal: 'k',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('k'); at !== -1; at = text.indexOf('k', at + 1)) {
      hits += 1;
      const before = text.charCodeAt(at - 1);
      const after = text.charCodeAt(at + 1);
      // a key starts a word, and goes on after the dash
      if (before === 115 && after === 45 && !isTokenCharacter(text.charCodeAt(at - 2)) && isTokenCharacter(text.charCodeAt(at + 2))) add(at - 1);
      if (before === 111 && has(text, 'hooks.slack.com/', at - 3)) add(at - 3);
      if (after === 101 && text.charCodeAt(at + 2) === 121) for (let start = at - 11; start >= at - 13; start -= 1) if (has(text, 'ecret', start)) add(start);
    }
    return hits;
  },
};

/** `_`: GitHub tokens (`gh?_`, `github_pat_`), Stripe keys (`sk_`, `rk_`, `whsec_`), `"private_key_id"`. */
export const underscore: AnchorPass = {
  literal: '_',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('_'); at !== -1; at = text.indexOf('_', at + 1)) {
      hits += 1;
      const before = text.charCodeAt(at - 1);
      const second = text.charCodeAt(at - 2);
      // tokens and keys start a word
      if (second === 104 && text.charCodeAt(at - 3) === 103 && !isTokenCharacter(text.charCodeAt(at - 4))) add(at - 3);
      if (before === 107 && (second === 115 || second === 114) && !isTokenCharacter(text.charCodeAt(at - 3))) add(at - 2);
      if (before === 99 && has(text, 'whsec', at - 5) && !isTokenCharacter(text.charCodeAt(at - 6))) add(at - 5);
      if (before === 98 && has(text, 'github', at - 6) && !isTokenCharacter(text.charCodeAt(at - 7))) add(at - 6);
      if (before === 101 && has(text, '"private_key_id"', at - 8)) add(at - 8);
    }
    return hits;
  },
};

/** `xox`: Slack tokens (`xoxb-` …). */
export const xox: AnchorPass = {
  literal: 'xox',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('xox'); at !== -1; at = text.indexOf('xox', at + 1)) {
      hits += 1;
      if (text.charCodeAt(at + 4) === 45 && !isTokenCharacter(text.charCodeAt(at - 1))) add(at);
    }
    return hits;
  },
};

/** `J`: JWTs (`eyJ`). */
export const upperJ: AnchorPass = {
  literal: 'J',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('J'); at !== -1; at = text.indexOf('J', at + 1)) {
      hits += 1;
      if (text.charCodeAt(at - 1) === 121 && text.charCodeAt(at - 2) === 101 && !isTokenCharacter(text.charCodeAt(at - 3))) add(at - 2);
    }
    return hits;
  },
};

/** `@` after a character of an address's local part: e-mail addresses (the match starts at it). */
export const atSign: AnchorPass = {
  literal: '@',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
      hits += 1;
      const before = text.charCodeAt(at - 1);
      // [A-Za-z0-9._%+'-]
      if (isTokenCharacter(before) || before === 46 || before === 37 || before === 43 || before === 39) add(at);
    }
    return hits;
  },
};

/** `+` and a digit: international phone numbers. */
export const plusDigit: AnchorPass = {
  literal: '+',
  find: (text, add) => {
    let hits = 0;
    for (let at = text.indexOf('+'); at !== -1; at = text.indexOf('+', at + 1)) {
      hits += 1;
      const after = text.charCodeAt(at + 1);
      if (after >= 49 && after <= 57 && !isTokenCharacter(text.charCodeAt(at - 1))) add(at);
    }
    return hits;
  },
};

/** Digits, upper-case letters, blank, `.`, `(`, `)`, `+`, `-`: every character a phone, card or IBAN match holds. */
const numberRunCharacters = new Uint8Array(128);
for (const character of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .()+-') numberRunCharacters[character.charCodeAt(0)] = 1;

export function isNumberRunCharacter(code: number): boolean {
  return code < 128 && numberRunCharacters[code] === 1;
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `(` and a digit: the (xxx) xxx-xxxx form, 13 characters at least. */
export const parenthesisedPhone: NumberRun = {
  minLength: 13,
  minDigits: 10,
  starts: (text, start, end, add) => {
    for (let position = start; position < end; position += 1) {
      if (text.charCodeAt(position) === 40 && isDigit(text.charCodeAt(position + 1)) && !isTokenCharacter(text.charCodeAt(position - 1))) add(position);
    }
  },
};

/** A card number: 13 digits at least, starting a word. */
export const cardRun: NumberRun = {
  minLength: 13,
  minDigits: 13,
  starts: (text, start, end, add) => {
    for (let position = start; position < end; position += 1)
      if (isDigit(text.charCodeAt(position)) && !isTokenCharacter(text.charCodeAt(position - 1))) add(position);
  },
};

/** An IBAN: two letters and two digits starting a word; 15 characters at least (the check's bound). */
export const ibanRun: NumberRun = {
  minLength: 15,
  minDigits: 2,
  starts: (text, start, end, add) => {
    for (let position = start; position + 3 < end; position += 1) {
      const before = text.charCodeAt(position - 1);
      if (
        isUpper(text.charCodeAt(position)) &&
        isUpper(text.charCodeAt(position + 1)) &&
        isDigit(text.charCodeAt(position + 2)) &&
        isDigit(text.charCodeAt(position + 3)) &&
        !isTokenCharacter(before)
      ) {
        add(position);
      }
    }
  },
};
