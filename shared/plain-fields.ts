// The pieces of a fast in-place check for a common request (shared/chat-request-fast.ts for chat completions,
// dialects/openai/responses/plain-request.ts for the Responses API): field checks, and the walk over a request's
// fields that says yes only when every field the schema knows is one the check can judge and judges valid.
export type Check = (value: unknown) => boolean;

export const isNumberIn =
  (min: number, max: number): Check =>
  (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
export const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
export const isString: Check = (value) => typeof value === 'string';
export const isBoolean: Check = (value) => typeof value === 'boolean';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when every field of `value` is either one `fields` judges (and it passes) or one the schema does not know
 * (kept as it is), and every `required` field is there. A field the schema knows but `fields` does not judge means
 * the schema must decide.
 */
export function plainFields(
  value: Record<string, unknown>,
  fields: ReadonlyMap<string, Check>,
  schemaFields: ReadonlySet<string>,
  required: readonly string[],
): boolean {
  for (const key in value) {
    const check = fields.get(key);
    if (check === undefined) {
      if (schemaFields.has(key)) return false;
      continue;
    }
    if (!check(value[key])) return false;
  }
  for (const key of required) if (value[key] === undefined) return false;
  return true;
}
