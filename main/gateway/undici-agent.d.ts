// undici's Agent by its own module path (lazy-module.ts loads it so, not the package's index): the class the
// package exports as `Agent`, typed by undici's own declaration of it.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}
