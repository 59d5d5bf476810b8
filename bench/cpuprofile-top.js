#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time, top by inclusive time (recursion
// counted once per sample), and self time grouped by file/package.
//   node bench/cpuprofile-top.js FILE.cpuprofile [--top 30] [--root /repo]   (--root shortens file paths)
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!file) {
  console.error('usage: node bench/cpuprofile-top.js FILE.cpuprofile [--top 30] [--root DIR]');
  process.exit(2);
}
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const TOP = Number(opt('top', 30));
const ROOT = opt('root', '');

const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url) => {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (ROOT && u.startsWith(ROOT)) u = u.slice(ROOT.length + 1);
  return u.replace(/^.*\/node_modules\//, 'node_modules/');
};
const keyOf = (n) => {
  const cf = n.callFrame;
  return `${cf.functionName || '(anonymous)'}  ${short(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
};
const groupOf = (n) => {
  const cf = n.callFrame;
  const u = short(cf.url);
  if (!u) return cf.functionName.startsWith('(') ? cf.functionName : '(native / builtin)';
  if (u.startsWith('node:'))
    return u
      .replace(/^node:internal\//, 'node:internal/')
      .split('/')
      .slice(0, 3)
      .join('/');
  const nm = u.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return `node_modules/${nm[1]}`;
  return u;
};

// per-sample time: timeDeltas[i] is the time since the previous sample; attribute it to sample i
const self = new Map();
const incl = new Map();
const groups = new Map();
let total = 0;
const samples = profile.samples;
const deltas = profile.timeDeltas;
for (let i = 0; i < samples.length; i++) {
  const dt = Math.max(0, deltas[i] ?? 0);
  const leaf = nodes.get(samples[i]);
  if (!leaf) continue;
  total += dt;
  const k = keyOf(leaf);
  self.set(k, (self.get(k) ?? 0) + dt);
  const g = groupOf(leaf);
  groups.set(g, (groups.get(g) ?? 0) + dt);
  const seen = new Set();
  for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
    const kk = keyOf(nodes.get(id));
    if (seen.has(kk)) continue;
    seen.add(kk);
    incl.set(kk, (incl.get(kk) ?? 0) + dt);
  }
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
const busy = total - idle;
const pct = (v, of) => ((100 * v) / of).toFixed(1).padStart(5);
const ms = (v) => (v / 1000).toFixed(1).padStart(8);
const print = (title, map, n, of) => {
  console.log(`\n${title}`);
  console.log(`${'ms'.padStart(8)}  ${'%busy'.padStart(5)}  function  file:line`);
  for (const [k, v] of [...map]
    .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n))
    console.log(`${ms(v)}  ${pct(v, of)}  ${k}`);
};
console.log(`${file}\nsampled ${(total / 1e6).toFixed(2)} s, busy (non-idle) ${(busy / 1e6).toFixed(2)} s, ${samples.length} samples`);
print(`top ${TOP} by self time`, self, TOP, busy);
print(`top ${TOP} by inclusive time`, incl, TOP, busy);
print('self time by file / package', groups, 25, busy);
