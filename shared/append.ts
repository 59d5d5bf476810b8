// Appends one array's items to another. `target.push(...items)` passes every item as an argument, and an array the
// size of a client's request (a million messages) overflows the stack: the lint rule in eslint.config.js points here.
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
