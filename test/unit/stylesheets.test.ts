// The renderer's stylesheet rules, so the design tokens stay the one place for look: outside
// renderer/src/styles/tokens.css no raw colour (hex, a colour function, a named colour) and no font size but a
// `var(--text-…)` step; every `var(--x)` names a property some stylesheet defines (a typo would silently drop the
// declaration); tokens.css defines each property once (the palette is written once, light and dark side by side) and
// nothing else redefines one; and every stylesheet is imported by a renderer module (a feature's by its entry component).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rendererSource = join(repository, 'renderer', 'src');
const tokensFile = 'styles/tokens.css';

/** Files under renderer/src whose names match, keyed by their path below it with forward slashes. */
function rendererFiles(pattern: RegExp, directory = rendererSource): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) for (const [file, text] of rendererFiles(pattern, path)) found.set(file, text);
    else if (entry.isFile() && pattern.test(entry.name)) found.set(relative(rendererSource, path).split(sep).join('/'), readFileSync(path, 'utf8'));
  }
  return found;
}

const stylesheets = rendererFiles(/\.css$/);
const modules = new Map([...rendererFiles(/\.tsx?$/)].filter(([file]) => !/\.test\.tsx?$/.test(file)));

interface Declaration {
  readonly property: string;
  readonly value: string;
  readonly line: number;
}

/** Every `property: value` in a stylesheet (at any nesting depth), comments removed, with its line. */
function declarations(css: string): Declaration[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
  const found: Declaration[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character !== '{' && character !== '}' && character !== ';') continue;
    const segment = text.slice(start, index);
    // a segment ended by `{` is a selector or an at-rule's prelude, not a declaration
    if (character !== '{') {
      const colon = segment.indexOf(':');
      const property = segment.slice(0, colon).trim();
      if (colon > 0 && /^-{0,2}[a-zA-Z][\w-]*$/.test(property)) {
        const offset = start + segment.length - segment.trimStart().length;
        found.push({ property: property.toLowerCase(), value: segment.slice(colon + 1).trim(), line: text.slice(0, offset).split('\n').length });
      }
    }
    start = index + 1;
  }
  return found;
}

// CSS Color 4's named colours (transparent and currentColor are not raw colours: they name no hue of their own)
const namedColours = new Set(
  (
    'aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood cadetblue ' +
    'chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey ' +
    'darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen darkslateblue darkslategray ' +
    'darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen ' +
    'fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender ' +
    'lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey ' +
    'lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen ' +
    'magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen ' +
    'mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange ' +
    'orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple ' +
    'rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray ' +
    'slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen'
  ).split(' '),
);
const colourFunction = /\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color|color-mix|light-dark)\(/i;
const hexColour = /#[0-9a-f]{3,8}\b/i;
const textStep = /^var\(--text-[a-z0-9]+\)$/;

/** What one stylesheet outside tokens.css does against the rules: raw colours and raw font sizes. */
function rawValues(css: string): string[] {
  const problems: string[] = [];
  for (const { property, value, line } of declarations(css)) {
    const withoutVariables = value.replace(/var\(--[\w-]+/g, 'var(');
    const named = withoutVariables.match(/[a-z]+/gi)?.find((word) => namedColours.has(word.toLowerCase()));
    if (hexColour.test(value) || colourFunction.test(withoutVariables) || named !== undefined) {
      problems.push(`line ${line}: raw colour in ${property}: ${value}`);
    }
    if (property === 'font-size' && !textStep.test(value) && value !== 'inherit') problems.push(`line ${line}: font-size ${value} is not a --text-… step`);
    if (property === 'font' && value !== 'inherit') problems.push(`line ${line}: the font shorthand sets a size; use font-size: var(--text-…)`);
  }
  return problems;
}

const defined = new Set([...stylesheets.values()].flatMap((css) => declarations(css).map((declaration) => declaration.property)));

function undefinedVariables(css: string): string[] {
  return declarations(css).flatMap(({ value, line }) =>
    [...value.matchAll(/var\((--[\w-]+)/g)]
      .map((match) => match[1] ?? '')
      .filter((name) => !defined.has(name))
      .map((name) => `line ${line}: ${name}`),
  );
}

describe('the stylesheets', () => {
  it('are all found (the glob is not silently empty)', () => {
    expect([...stylesheets.keys()]).toContain(tokensFile);
    expect([...stylesheets.keys()]).toContain('styles/base.css');
    expect([...stylesheets.keys()].length).toBeGreaterThanOrEqual(15);
  });

  it('use no raw colour or font size outside tokens.css', () => {
    const offenders = [...stylesheets].filter(([file]) => file !== tokensFile).flatMap(([file, css]) => rawValues(css).map((problem) => `${file} ${problem}`));
    expect(offenders).toEqual([]);
  });

  it('name only custom properties that are defined', () => {
    const offenders = [...stylesheets].flatMap(([file, css]) => undefinedVariables(css).map((problem) => `${file} ${problem}`));
    expect(offenders).toEqual([]);
  });

  it('define each token once, in tokens.css', () => {
    const names = declarations(stylesheets.get(tokensFile) ?? '')
      .map((declaration) => declaration.property)
      .filter((property) => property.startsWith('--'));
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    const elsewhere = [...stylesheets]
      .filter(([file]) => file !== tokensFile)
      .flatMap(([file, css]) =>
        declarations(css)
          .filter((declaration) => names.includes(declaration.property))
          .map(({ property }) => `${file} ${property}`),
      );
    expect(elsewhere).toEqual([]);
  });

  it('are each imported by a module (a feature imports its own from its entry component)', () => {
    const imported = new Set<string>();
    for (const [file, source] of modules) {
      for (const match of source.matchAll(/^import '(\.[^']+\.css)';$/gm)) imported.add(posix.join(posix.dirname(file), match[1] ?? ''));
    }
    const unimported = [...stylesheets.keys()].filter((file) => !imported.has(file));
    expect(unimported).toEqual([]);
  });
});

describe('the rule checker', () => {
  it('finds raw colours and sizes, and leaves tokens, keywords and selectors alone', () => {
    const css = `
      /* a comment with #fff and red */
      .a:hover, .b::before { color: #fff; background: rgba(0, 0, 0, 0.5); border: 1px solid red; }
      @media (max-width: 900px) { .c { font-size: 12px; font: 600 1rem sans-serif; } }
      .d { color: var(--text); border-color: currentColor; background: transparent; font-size: var(--text-sm); }
      .red-tag { box-shadow: var(--shadow-popup); }`;
    expect(rawValues(css)).toEqual([
      'line 3: raw colour in color: #fff',
      'line 3: raw colour in background: rgba(0, 0, 0, 0.5)',
      'line 3: raw colour in border: 1px solid red',
      'line 4: font-size 12px is not a --text-… step',
      'line 4: the font shorthand sets a size; use font-size: var(--text-…)',
    ]);
  });

  it('reports a custom property nobody defines', () => {
    expect(undefinedVariables('.x { color: var(--no-such-colour); background: var(--surface); }')).toEqual(['line 1: --no-such-colour']);
  });
});
