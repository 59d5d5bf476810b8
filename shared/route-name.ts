// What a route may be called, for the config file and the control contract alike. A name with `*` is a pattern that
// catches a family of model names (`claude-haiku-*`, `gpt-5*`, `anthropic/*`); only a pattern may contain "/", so an
// exact route name never shadows a provider/model.
export const routeNamePattern = /^(?:[A-Za-z0-9][A-Za-z0-9._:-]{0,63}|(?=[^*]*\*)[A-Za-z0-9*][A-Za-z0-9._:/*-]{0,127})$/;

export const routeNameRule = 'a route name is letters, digits, ".", "_", ":" or "-"; a pattern adds "*" (and may then contain "/")';
