// What each local model server answers, and how discovery tells them apart from those answers alone. Wire shapes
// as the servers send them: Ollama's GET /api/tags ({ models: [{ name }] }); the OpenAI-style GET /v1/models list of
// LM Studio, vLLM, Jan, LocalAI and llama.cpp ({ object: 'list', data: [{ id, owned_by }] }, llama.cpp's entries
// owned_by 'llamacpp'); llama.cpp server's GET /props (default_generation_settings, total_slots, model_path, …);
// LocalAI's GET /readyz (an empty 200, or 503 while it loads), which llama.cpp's server answers with a 404.
import { z } from 'zod';
import type { PresetId } from '../config/presets.js';

/** The presets discovery looks for, each on its default loopback port. */
export const localServerPresets = ['ollama', 'lmstudio', 'llamacpp', 'localai', 'vllm', 'jan'] as const satisfies readonly PresetId[];
export type LocalServerPreset = (typeof localServerPresets)[number];

export function isLocalServerPreset(value: string): value is LocalServerPreset {
  return (localServerPresets as readonly string[]).includes(value);
}

/** How many model ids a found server reports (the UI shows "LM Studio — 3 models"; modelCount has the total). */
export const listedModelsCap = 20;

/** One GET's outcome: the status and the body parsed as JSON (undefined when it was not JSON), or no answer at all. */
export type Answer = { readonly status: number; readonly json: unknown } | undefined;

/** The answers one server gave, by path relative to its origin. */
export type Answers = ReadonlyMap<string, Answer>;

export interface Identified {
  readonly preset: LocalServerPreset;
  readonly models: readonly string[];
  readonly modelCount: number;
  /** it answered, but its model list needs a key (Jan always; LM Studio, vLLM, LocalAI when set up so) */
  readonly keyRequired: boolean;
}

const ollamaTags = z.object({ models: z.array(z.object({ name: z.string().min(1) })) });
const openAiModels = z.object({ data: z.array(z.object({ id: z.string().min(1), owned_by: z.string().optional() })) });
// Any of these is a llama.cpp server's /props; LocalAI, LM Studio and vLLM have no /props.
const llamaCppProps = z.union([
  z.object({ default_generation_settings: z.object({}).passthrough() }),
  z.object({ total_slots: z.number() }),
  z.object({ model_path: z.string(), chat_template: z.string() }),
]);

/** The paths to ask a server for, given the presets that may be listening on its port. */
export function pathsFor(presets: readonly LocalServerPreset[], modelsPath: string): string[] {
  const paths = new Set<string>();
  for (const preset of presets) {
    if (preset === 'ollama') paths.add('/api/tags');
    else paths.add(modelsPath);
    if (preset === 'llamacpp' || preset === 'localai') {
      paths.add('/props');
      paths.add('/readyz');
    }
  }
  return [...paths];
}

/**
 * Which of `presets` the server is, from its answers; undefined when it is none of them, or when several could
 * be listening on the port (llama.cpp and LocalAI on 8080) and the answers do not say which.
 */
export function identify(presets: readonly LocalServerPreset[], answers: Answers, modelsPath: string): Identified | undefined {
  if (presets.includes('ollama')) {
    const tags = ok(answers.get('/api/tags'), ollamaTags);
    if (tags)
      return found(
        'ollama',
        tags.models.map((model) => model.name),
        false,
      );
  }
  const others = presets.filter((preset) => preset !== 'ollama');
  if (others.length === 0) return undefined;
  const modelsAnswer = answers.get(modelsPath);
  const list = ok(modelsAnswer, openAiModels);
  const needsKey = modelsAnswer !== undefined && (modelsAnswer.status === 401 || modelsAnswer.status === 403);
  const ids = list?.data.map((model) => model.id) ?? [];
  if (others.length === 1) {
    const [only] = others;
    if (only === undefined) return undefined;
    return list ? found(only, ids, false) : needsKey ? found(only, [], true) : undefined;
  }
  // Several presets share the port: only a server that says which it is gets offered.
  const llamaCpp = ok(answers.get('/props'), llamaCppProps) !== undefined || (list?.data.some((model) => model.owned_by === 'llamacpp') ?? false);
  if (llamaCpp && others.includes('llamacpp') && list) return found('llamacpp', ids, false);
  const readyz = answers.get('/readyz');
  // LocalAI's /readyz is an empty 200 (503 while it loads); a JSON body there is some other server's error page
  const localAi = !llamaCpp && readyz !== undefined && (readyz.status === 200 || readyz.status === 503) && readyz.json === undefined;
  if (localAi && others.includes('localai') && (list || needsKey)) return found('localai', ids, !list);
  return undefined;
}

function found(preset: LocalServerPreset, ids: readonly string[], keyRequired: boolean): Identified {
  return { preset, models: ids.slice(0, listedModelsCap), modelCount: ids.length, keyRequired };
}

function ok<Schema extends z.ZodType>(answer: Answer, schema: Schema): z.output<Schema> | undefined {
  if (answer === undefined || answer.status !== 200) return undefined;
  const parsed = schema.safeParse(answer.json);
  return parsed.success ? parsed.data : undefined;
}
