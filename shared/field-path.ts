// A field's path as clients and config files spell it (`messages[2].content`, `routes.fast.targets[0]`): in the
// 400s the OpenAI-compatible endpoints send and in config errors. A module of its own so that reading the config
// does not load the request schemas (issue 20).

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
