// Ollama stream lines → OpenAI chat.completion.chunk objects. Stateful: the first chunk carries the role, tool
// calls get running indices, and the final `done` line becomes a finish chunk followed by a usage chunk (always
// sent; the server drops it when the client did not ask for usage).
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ToolCallDelta, Usage } from '../../../../shared/openai-types.js';
import { createdSeconds, newCompletionId, toToolCalls, toUsage } from './convert-response.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { OllamaChatResponse } from './ollama-api.js';

export class OllamaStreamConverter {
  private created: number | undefined;
  private sentRole = false;
  private toolCallCount = 0;

  constructor(
    private readonly upstreamModel: string,
    private readonly id: string = newCompletionId(),
  ) {}

  /** The chunks one line becomes; a content-free line (Ollama sends some) becomes none. */
  convert(line: OllamaChatResponse): ChatCompletionChunk[] {
    this.created ??= createdSeconds(line.created_at);
    const chunks: ChatCompletionChunk[] = [];
    const delta = this.delta(line);
    if (delta) chunks.push(this.chunk(delta, null));
    if (!line.done) return chunks;
    if (!this.sentRole) chunks.push(this.chunk(this.withRole({ content: '' }), null));
    chunks.push(this.chunk({}, mapFinishReason(line.done_reason, this.toolCallCount > 0).unified));
    chunks.push(this.usageChunk(toUsage(line)));
    return chunks;
  }

  private delta(line: OllamaChatResponse): ChunkDelta | undefined {
    const content = line.message?.content ?? '';
    const thinking = line.message?.thinking ?? '';
    const calls = toToolCalls(line.message?.tool_calls ?? []);
    if (content === '' && thinking === '' && calls.length === 0) return undefined;
    const delta: ChunkDelta = {};
    if (content !== '' || !this.sentRole) delta.content = content;
    if (thinking !== '') delta.reasoning_content = thinking;
    if (calls.length > 0) {
      // Ollama sends each call whole, so one delta carries its id, name and complete arguments
      delta.tool_calls = calls.map((call): ToolCallDelta => ({
        index: this.toolCallCount++,
        id: call.id,
        type: 'function',
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
    }
    return this.withRole(delta);
  }

  private withRole(delta: ChunkDelta): ChunkDelta {
    if (this.sentRole) return delta;
    this.sentRole = true;
    return { role: 'assistant', ...delta };
  }

  private chunk(delta: ChunkDelta, finishReason: FinishReason): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index: 0, delta, finish_reason: finishReason }] };
  }

  private usageChunk(usage: Usage): ChatCompletionChunk {
    return { ...this.base(), choices: [], usage };
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created ?? createdSeconds(undefined), model: this.upstreamModel };
  }
}
