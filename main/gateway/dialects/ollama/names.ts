// Model names between Ollama's clients and Switchyard. Ollama names are `name[:tag]` (a missing tag means
// `:latest`), and may carry a namespace with `/` (`hf.co/user/model:q4`). Switchyard lists:
// - a route alias under its own name (`smart`): an Ollama name whose tag is `latest` implicitly. Not `smart:latest`,
//   because GitHub Copilot sends the listed name to /v1/chat/completions (OpenAI's dialect), which knows no tags;
// - a provider's model as `provider/model`, as /v1/models lists it (`ollama/qwen3:8b`, `openai/gpt-4o-mini`).
// On the way in, a trailing `:latest` is dropped (`smart:latest` → `smart`, `openai/gpt-4o:latest` →
// `openai/gpt-4o`): Ollama treats `x` and `x:latest` as one model, and no other provider has such a tag.
export function toSwitchyardModel(name: string): string {
  return name.endsWith(':latest') && name.length > ':latest'.length ? name.slice(0, -':latest'.length) : name;
}

/** The name a listed model goes by in Ollama's model fields (`name` and `model` are the same in Ollama's lists). */
export function toOllamaName(id: string): string {
  return id;
}
