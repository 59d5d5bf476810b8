// The nesting bound on request bodies: deep bodies are found wherever the depth hides (arrays, objects, strings
// that look like brackets), the field is named, and ordinary bodies pass untouched.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonText } from './body.js';
import { GatewayError } from './errors.js';
import { maxJsonDepth, tooDeep } from './json-depth.js';

const nest = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('tooDeep', () => {
  it('passes bodies up to the bound and names the field of the first value beyond it', () => {
    expect(tooDeep(nest(maxJsonDepth))).toBeUndefined();
    expect(tooDeep(nest(maxJsonDepth + 1))).toBe('a.a.a.a.a.a.a.a…');
    const schema = JSON.stringify({ model: 'm', tools: [{ type: 'function', function: { name: 'f', parameters: JSON.parse(nest(200)) } }] });
    expect(tooDeep(schema)).toBe('tools[0].function.parameters.a.a.a.a…');
    expect(
      tooDeep(
        JSON.stringify({
          messages: [
            { role: 'user', content: 'x' },
            { role: 'user', content: JSON.parse(`${'['.repeat(150)}${']'.repeat(150)}`) },
          ],
        }),
      ),
    ).toBe('messages[1].content[0][0][0][0][0]…');
  });

  it('is not fooled by brackets and escaped quotes inside strings', () => {
    const text = JSON.stringify({ content: `${'{['.repeat(5_000)} \\" still a string ${'"'.repeat(3)}` });
    expect(tooDeep(text)).toBeUndefined();
    expect(tooDeep(JSON.stringify({ content: 'a\\', next: JSON.parse(nest(130)) }))).toBe('next.a.a.a.a.a.a.a…');
  });

  it('finds a 100 000-level body without recursing (the check itself cannot overflow)', () => {
    expect(tooDeep(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe('[0][0][0][0][0][0][0][0]…');
  });

  it('agrees with a reference depth on arbitrary JSON', () => {
    const depthOf = (value: unknown): number => (typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 1, max: 12 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(tooDeep(text, limit) === undefined).toBe(depthOf(value) <= limit);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseJsonText', () => {
  it('answers a too-deep body with a 400 naming the field, before parsing it', () => {
    const error = (() => {
      try {
        parseJsonText(JSON.stringify({ model: 'm', tools: [{ function: { parameters: JSON.parse(nest(300)) } }] }));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, code: 'nesting_too_deep', param: 'tools[0].function.parameters.a.a.a.a…' });
  });
});
