// Builds the bundled price snapshot (snapshot.json beside this file) from the team's reference data
// (shared/data/model-prices.json, LiteLLM's list) plus additions.json (providers that list lacks, with sources).
// Run `node resources/prices/generate.mjs [path/to/model-prices.json]` when either changes; the output is committed.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sourcePath = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'shared', 'data', 'model-prices.json'));
const source = JSON.parse(readFileSync(sourcePath, 'utf8'));
const additions = JSON.parse(readFileSync(join(here, 'additions.json'), 'utf8'));

// LiteLLM's provider names → Switchyard provider ids. Vertex and the Gemini API list the same prices for these
// models. Bedrock and Volcengine have no Switchyard provider (and Volcengine's entry is priced 0, i.e. unknown).
const providers = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
  'vertex_ai-language-models': 'gemini',
  'vertex_ai-embedding-models': 'gemini',
  xai: 'xai',
  deepseek: 'deepseek',
  moonshot: 'moonshot',
  zhipu: 'zhipu',
  minimax: 'minimax',
};

const capabilityFlags = {
  supports_function_calling: 'tools',
  supports_vision: 'vision',
  supports_reasoning: 'reasoning',
  supports_prompt_caching: 'prompt_caching',
  supports_response_schema: 'response_schema',
};

function convert(entry) {
  const model = { mode: entry.mode, input: entry.input_cost_per_token, output: entry.output_cost_per_token };
  if (entry.cache_read_input_token_cost !== undefined) model.cacheRead = entry.cache_read_input_token_cost;
  if (entry.cache_creation_input_token_cost !== undefined) model.cacheWrite = entry.cache_creation_input_token_cost;
  // reasoning is billed as output unless the provider publishes a rate of its own
  const reasoning = entry.output_cost_per_reasoning_token;
  if (reasoning !== undefined && reasoning !== entry.output_cost_per_token) model.reasoning = reasoning;
  if (entry.input_cost_per_token_above_200k_tokens !== undefined) model.inputAbove200k = entry.input_cost_per_token_above_200k_tokens;
  if (entry.output_cost_per_token_above_200k_tokens !== undefined) model.outputAbove200k = entry.output_cost_per_token_above_200k_tokens;
  model.contextWindow = entry.max_input_tokens;
  if (entry.max_output_tokens !== undefined) model.maxOutputTokens = entry.max_output_tokens;
  model.capabilities = Object.entries(capabilityFlags)
    .filter(([flag]) => entry[flag] === true)
    .map(([, name]) => name);
  return model;
}

const datedSuffix = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;
const models = new Map();
const aliases = new Map();
const skipped = [];

for (const [name, entry] of Object.entries(source)) {
  const provider = providers[entry.litellm_provider];
  const priced = entry.input_cost_per_token > 0 || entry.output_cost_per_token > 0;
  if (!provider || !priced) {
    skipped.push(`${entry.litellm_provider}/${name}`);
    continue;
  }
  const key = `${provider}/${name}`;
  if (models.has(key)) throw new Error(`two source entries map to ${key}`);
  models.set(key, convert(entry));
}

// A dated snapshot identical to its undated name becomes an alias of it; a dated snapshot with no undated name
// gets one (the newest date wins). Anthropic's real `-latest` names are in additions.json.
const keys = [...models.keys()].sort();
for (const key of keys) {
  const base = key.replace(datedSuffix, '');
  if (base === key) continue;
  const undated = models.get(base);
  if (undated && JSON.stringify(undated) === JSON.stringify(models.get(key))) {
    aliases.set(key, base);
    models.delete(key);
  }
}
for (const key of [...models.keys()].sort()) {
  const base = key.replace(datedSuffix, '');
  if (base === key || models.has(base)) continue;
  aliases.set(base, key); // sorted order: a later date overwrites an earlier one
}

for (const [key, model] of Object.entries(additions.models)) {
  if (models.has(key) || aliases.has(key)) throw new Error(`additions.json repeats ${key}, which the source already has`);
  if (typeof model.note !== 'string' || model.note.length === 0) throw new Error(`additions.json: ${key} needs a note saying where its price is published`);
  models.set(key, model);
}
for (const [alias, target] of Object.entries(additions.aliases)) {
  if (models.has(alias) || aliases.has(alias)) throw new Error(`additions.json alias ${alias} shadows an existing name`);
  aliases.set(alias, target);
}

// Every alias points straight at a model (no chains), so the catalog resolves one step.
function resolveAlias(name, seen = new Set()) {
  if (models.has(name)) return name;
  const target = aliases.get(name);
  if (!target || seen.has(name)) throw new Error(`alias ${name} does not lead to a model`);
  seen.add(name);
  return resolveAlias(target, seen);
}
const flatAliases = [...aliases.keys()].sort().map((alias) => [alias, resolveAlias(alias)]);

const lines = [
  '{',
  `  "schema": 1,`,
  `  "source": ${JSON.stringify('LiteLLM model_prices_and_context_window.json (MIT), mirror synced 2026-07-24, via shared/data/model-prices.json; plus resources/prices/additions.json')},`,
  `  "unit": "USD per token",`,
  '  "models": {',
  [...models.keys()]
    .sort()
    .map((key) => `    ${JSON.stringify(key)}: ${JSON.stringify(models.get(key))}`)
    .join(',\n'),
  '  },',
  '  "aliases": {',
  flatAliases.map(([alias, target]) => `    ${JSON.stringify(alias)}: ${JSON.stringify(target)}`).join(',\n'),
  '  }',
  '}',
  '',
];
writeFileSync(join(here, 'snapshot.json'), lines.join('\n'));
console.log(`snapshot.json: ${models.size} models, ${flatAliases.length} aliases; skipped ${skipped.length}: ${skipped.join(', ')}`);
