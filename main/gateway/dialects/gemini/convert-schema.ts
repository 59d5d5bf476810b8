// Gemini's OpenAPI-subset Schema (`parameters`, `responseSchema`: type "OBJECT", `nullable`, …) → the plain JSON
// Schema OpenAI-style tools and response formats take. Types are lower-cased and `nullable` becomes a "null" type;
// every other keyword means the same on both sides and is kept. The walk is bounded: past `maxDepth` a schema is
// left as it is (the body parser already refuses JSON nested deeper than the gateway allows).

const maxDepth = 64;

export function toJsonSchema(schema: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (depth > maxDepth) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (key === 'type' && typeof value === 'string') out[key] = value.toLowerCase();
    else if ((key === 'properties' || key === '$defs' || key === 'definitions') && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, isRecord(inner) ? toJsonSchema(inner, depth + 1) : inner]));
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isRecord(value)) out[key] = toJsonSchema(value, depth + 1);
    else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'prefixItems') && Array.isArray(value)) {
      out[key] = value.map((inner: unknown) => (isRecord(inner) ? toJsonSchema(inner, depth + 1) : inner));
    } else out[key] = value;
  }
  // Gemini's enum property order hint means nothing elsewhere
  delete out['propertyOrdering'];
  if (schema['nullable'] === true) {
    const type = out['type'];
    if (typeof type === 'string') out['type'] = [type, 'null'];
    else if (type === undefined && out['anyOf'] === undefined) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
