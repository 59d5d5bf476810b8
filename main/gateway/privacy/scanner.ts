// The detectors of one config, compiled once into one joined pattern, run only where a match can start. The plain
// way, the joined pattern run over the whole text, costs 1.5–4 ns a character; instead the detectors' anchors
// (anchors.ts) find the places their matches can start with `indexOf`, number runs are sampled, the user's patterns
// search with their own pattern, and the joined pattern runs sticky at each place found, in order. The result is the
// plain scan's (scanner.test.ts checks it on random texts): at each position the first detector whose pattern matches
// there wins, and a kept match hides the matches that start inside it. Path globs (attached file names) are a second,
// tiny pattern applied to file names only.
import { isDigit, isNumberRunCharacter, type AddStart, type AnchorPass, type NumberRun } from './anchors.js';
import type { DetectorDefinition } from './detectors.js';

export interface Finding {
  readonly detector: string;
  /** UTF-16 offsets into the scanned text: [start, end) */
  readonly start: number;
  readonly end: number;
}

/** Texts shorter than this are read every time (reading them costs about what looking them up would). */
const memoMinLength = 4_096;
/**
 * Nor are texts that cost the anchors less than this (a hit of an anchor's literal counts 1, a place the pattern
 * was tried 4; about 20 µs) and no user pattern had to search: reading one again costs about what a hit does (the
 * map, and a compare of the whole text), and a miss costs a compare with each remembered text of the same length
 * (V8 hashes long strings by their length).
 */
const memoMinWork = 1_024;
/** The memo's bounds: texts remembered, and characters held by them (16 MiB of UTF-16 at most). */
const memoMaxEntries = 512;
const memoMaxCharacters = 8 * 1024 * 1024;

/** The detector name given to a path glob that matched an attached file's name. */
export const filePathDetector = 'file-path';

export class PrivacyScanner {
  /** the joined pattern, sticky: it is tried at the positions the anchors give */
  private readonly pattern: RegExp | undefined;
  private readonly groups: readonly string[];
  private readonly passes: readonly AnchorPass[];
  private readonly runs: readonly NumberRun[];
  /** the shortest run any of `runs` needs: the sampling stride */
  private readonly runStride: number;
  /** detectors without anchors (the user's patterns): their own pattern, global, finds where they match */
  private readonly searched: readonly RegExp[];
  private readonly searchedAt: number[];
  private readonly paths: RegExp | undefined;
  /** the positions the anchors gave for the text being read (reused, so a scan allocates nothing until a match; a
   *  scan's `found` must therefore not start another scan with this scanner) */
  private positions = new Int32Array(64);
  private count = 0;
  /** what reading the last text cost the anchors (see memoMinWork) */
  private work = 0;
  private readonly add: AddStart = (position) => {
    if (position < 0) return;
    if (this.count === this.positions.length) {
      const grown = new Int32Array(this.positions.length * 2);
      grown.set(this.positions);
      this.positions = grown;
    }
    this.positions[this.count] = position;
    this.count += 1;
  };
  /** long texts read lately → the detectors that fired in them (see detect) */
  private readonly memo = new Map<string, readonly string[]>();
  private memoCharacters = 0;

  constructor(
    private readonly definitions: readonly DetectorDefinition[],
    pathGlobs: readonly string[] = [],
  ) {
    this.groups = definitions.map((_, index) => `d${index}`);
    this.pattern =
      definitions.length === 0 ? undefined : new RegExp(definitions.map((definition, index) => `(?<d${index}>${definition.source})`).join('|'), 'y');
    // a pass serves every detector that names it (it adds their starts whether or not they are on: an extra start
    // costs one look, and only where the literal is)
    this.passes = [...new Set(definitions.flatMap((definition) => definition.anchors ?? []))];
    this.runs = [...new Set(definitions.flatMap((definition) => (definition.run ? [definition.run] : [])))];
    this.runStride = this.runs.reduce((shortest, run) => Math.min(shortest, run.minLength), Infinity);
    this.searched = definitions.filter((definition) => !definition.anchors && !definition.run).map((definition) => new RegExp(definition.source, 'g'));
    this.searchedAt = this.searched.map(() => -1);
    this.paths = pathGlobs.length === 0 ? undefined : new RegExp(`^(?:${pathGlobs.map(globSource).join('|')})$`);
  }

  get empty(): boolean {
    return this.pattern === undefined && this.paths === undefined;
  }

  /** Every finding in `text`, in order. */
  scan(text: string): Finding[] {
    const findings: Finding[] = [];
    this.each(text, (definition, start, end) => {
      findings.push({ detector: definition.name, start, end });
    });
    return findings;
  }

  /**
   * Adds the names of the detectors that fire in `text` to `into`. A long text that was costly to read is not read
   * again when it comes back: chat clients send the whole conversation with every turn, so most of a large prompt is
   * the history the guard read on the turn before. (Finding it costs little: V8 hashes a string over 16 K characters
   * by its length, and the comparison that confirms a hit is a memory compare.)
   */
  detect(text: string, into: Set<string>): void {
    // a text that cannot hold the shortest match is skipped without entering the pattern
    if (text.length < 8) return;
    if (text.length < memoMinLength) {
      this.each(text, (definition) => {
        into.add(definition.name);
      });
      return;
    }
    let fired = this.memo.get(text);
    if (fired === undefined) {
      const names = new Set<string>();
      this.each(text, (definition) => {
        names.add(definition.name);
      });
      fired = [...names];
      if (this.work >= memoMinWork || this.searched.length > 0) this.remember(text, fired);
    } else {
      // most recently used last, so the oldest go first
      this.memo.delete(text);
      this.memo.set(text, fired);
    }
    for (const name of fired) into.add(name);
  }

  /** The file name matches a path glob. */
  matchesPath(name: string): boolean {
    if (!this.paths) return false;
    const normal = name.replace(/\\/g, '/');
    return this.paths.test(normal) || this.paths.test(normal.slice(normal.lastIndexOf('/') + 1));
  }

  /** `text` with every finding replaced by `[REDACTED:<detector>]` (an assignment keeps its name). */
  redact(text: string): string {
    if (!this.pattern || text.length < 8) return text;
    let out = '';
    let copied = 0;
    this.each(text, (definition, start, end) => {
      if (start < copied) return;
      out += `${text.slice(copied, start)}[REDACTED:${definition.name}]`;
      copied = end;
    });
    return copied === 0 ? text : out + text.slice(copied);
  }

  private remember(text: string, fired: readonly string[]): void {
    this.memo.set(text, fired);
    this.memoCharacters += text.length;
    // bounded in entries and in characters held; the oldest go first
    for (const [oldest] of this.memo) {
      if (this.memo.size <= memoMaxEntries && this.memoCharacters <= memoMaxCharacters) break;
      this.memo.delete(oldest);
      this.memoCharacters -= oldest.length;
    }
  }

  private each(text: string, found: (definition: DetectorDefinition, start: number, end: number) => void): void {
    const pattern = this.pattern;
    if (!pattern) return;
    const positions = this.candidates(text);
    const count = this.count;
    const searched = this.searched;
    const searchedAt = this.searchedAt;
    searchedAt.fill(-1);
    let index = 0;
    // where the plain scan's lastIndex would be: a kept match hides the matches starting inside it
    let next = 0;
    // bounded: every turn moves `next` forward by at least one character
    for (;;) {
      while (index < count && (positions[index] as number) < next) index += 1;
      let start = index < count ? (positions[index] as number) : Infinity;
      for (let search = 0; search < searched.length; search += 1) {
        if ((searchedAt[search] as number) < next) {
          const own = searched[search] as RegExp;
          own.lastIndex = next;
          searchedAt[search] = own.exec(text)?.index ?? Infinity;
        }
        start = Math.min(start, searchedAt[search] as number);
      }
      if (start === Infinity) return;
      pattern.lastIndex = start;
      const match = pattern.exec(text);
      if (match === null) {
        next = start + 1;
        continue;
      }
      const definition = this.definitionOf(match.groups);
      const matched = match[0];
      const span = definition ? (definition.span ? definition.span(text, start, matched) : ([start, start + matched.length] as const)) : undefined;
      if (definition && span) {
        found(definition, span[0], span[1]);
        next = Math.max(start + matched.length, start + 1);
      } else {
        // a dropped match (a card number failing its checksum) may hide another detector's match inside it
        next = start + 1;
      }
    }
  }

  /** The positions the anchors and number runs point to in `text`, ascending (the first `this.count` of them). */
  private candidates(text: string): Int32Array {
    this.count = 0;
    const add = this.add;
    let work = 0;
    for (const pass of this.passes) work += pass.find(text, add);
    if (this.runs.length > 0) work += this.numberRuns(text);
    this.work = work + 4 * this.count;
    if (this.count > 1) this.positions.subarray(0, this.count).sort();
    return this.positions;
  }

  /**
   * Every run of number-like characters at least `runStride` long holds one of the characters sampled here, one in
   * every `runStride`: each such run is read once, by every detector it is long enough for. (Cheaper than finding
   * runs by their digits: prose and code hold a short number every hundred characters or so.) Returns the number of
   * runs read.
   */
  private numberRuns(text: string): number {
    const stride = this.runStride;
    const length = text.length;
    let runs = 0;
    for (let sample = stride - 1; sample < length; sample += stride) {
      if (!isNumberRunCharacter(text.charCodeAt(sample))) continue;
      let digits = isDigit(text.charCodeAt(sample)) ? 1 : 0;
      let start = sample;
      for (let code = text.charCodeAt(start - 1); start > 0 && isNumberRunCharacter(code); code = text.charCodeAt(start - 1)) {
        start -= 1;
        if (isDigit(code)) digits += 1;
      }
      let end = sample + 1;
      for (let code = text.charCodeAt(end); end < length && isNumberRunCharacter(code); code = text.charCodeAt(end)) {
        end += 1;
        if (isDigit(code)) digits += 1;
      }
      // blanks, brackets and capitals alone (indentation, a heading) hold no number
      if (digits > 0 && end - start >= stride) runs += 1;
      for (const run of this.runs) if (end - start >= run.minLength && digits >= run.minDigits) run.starts(text, start, end, this.add);
      // the run is read: the next sample after it
      while (sample + stride < end) sample += stride;
    }
    return runs;
  }

  private definitionOf(groups: Record<string, string | undefined> | undefined): DetectorDefinition | undefined {
    if (!groups) return undefined;
    for (let index = 0; index < this.groups.length; index += 1) {
      if (groups[this.groups[index] as string] !== undefined) return this.definitions[index];
    }
    return undefined;
  }
}

/** A path glob as a pattern: `**` any path, `*` any name part, `?` one character; the rest literal. */
export function globSource(glob: string): string {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const character = glob[index] as string;
    if (character === '*' && glob[index + 1] === '*') {
      index += 1;
      if (glob[index + 1] === '/') {
        index += 1;
        source += '(?:.*/)?';
      } else source += '.*';
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return source;
}
