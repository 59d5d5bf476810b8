// The Responses request as a native Responses target gets it (passthrough): the client's bytes with only `model`
// replaced — unless the request named stored state (previous_response_id, item_reference) or carries reasoning a
// translated target produced, in which case the body is rebuilt with the conversation spelt out. Reasoning items
// holding Switchyard's carrier (reasoning-carrier.ts) are left out: OpenAI can read neither them nor their ids.
// Also the frames of a passthrough stream: the upstream's own, then its response.completed kept for the store.
import type { RequestBody, NativeRequest, StreamPart } from '../../../providers/types.js';
import type { ProviderError } from '../../../providers/errors.js';
import { redactSecrets } from '../../../../../shared/redact.js';
import { isReasoningCarrier } from './reasoning-carrier.js';
import { responsesErrorCode } from './stream-events.js';
import type { ResponseInputItem } from './schema.js';

export function nativeResponsesRequest(body: Record<string, unknown>, raw: RequestBody, items: readonly ResponseInputItem[], expanded: boolean): NativeRequest {
  const carried = items.some(isCarrierItem);
  if (!expanded && !carried) return { dialect: 'openai-responses', body, raw, headers: {} };
  const { previous_response_id: _previous, ...rest } = body;
  return { dialect: 'openai-responses', body: { ...rest, input: items.filter((item) => !isCarrierItem(item)) }, headers: {} };
}

function isCarrierItem(item: ResponseInputItem): boolean {
  const record = item as Record<string, unknown>;
  return record['type'] === 'reasoning' && isReasoningCarrier(record['encrypted_content']);
}

/**
 * Frames for a passthrough stream; `completed` receives the upstream's final response object, for the store. Only
 * the few frames that matter are parsed (the reader has parsed every event already): the first, for the response's
 * id, and the terminal ones.
 */
export function passthroughFrames(completed: (response: Record<string, unknown>) => void, previousResponseId?: string): (part: StreamPart) => string {
  let responseId: string | undefined;
  let firstSeen = false;
  let lastFrame = '';
  /** the items the client has been given whole, so a failure we report ourselves does not contradict them */
  const done: unknown[] = [];
  return (part) => {
    const given = part.nativeFrames ?? [];
    const frames =
      previousResponseId === undefined
        ? given
        : given.map((frame) => (frame.startsWith('event: response.') ? withPreviousResponseId(frame, previousResponseId) : frame));
    for (const frame of frames) {
      if (!firstSeen) {
        firstSeen = true;
        const id = responseOf(frameData(frame))?.['id'];
        if (typeof id === 'string') responseId = id;
      }
      if (frame.startsWith('event: response.output_item.done')) {
        const item = frameData(frame)?.['item'];
        if (item !== undefined) done.push(item);
      } else if (frame.startsWith('event: response.completed') || frame.startsWith('event: response.incomplete')) {
        const response = responseOf(frameData(frame));
        if (response) completed(response);
      }
    }
    if (frames.length > 0) lastFrame = frames.at(-1) as string;
    if (part.type !== 'error') return frames.join('');
    // the upstream's own failure event goes out as it came (masked); any other failure gets ours
    const last = frames.at(-1);
    const type = last ? frameData(last)?.['type'] : undefined;
    if (type === 'response.failed' || type === 'error') return frames.slice(0, -1).join('') + redactSecrets(last as string);
    const sequence = frameData(lastFrame)?.['sequence_number'];
    return frames.join('') + failedFrame(part.error, responseId ?? '', typeof sequence === 'number' ? sequence + 1 : 0, done);
  };
}

/**
 * The upstream's Response JSON (or an event carrying one) with the client's previous_response_id put back: when the
 * conversation was spelt out from our store the upstream got no previous_response_id and answers null, but the
 * client continued that response and is told so, as a translated answer tells it. Only a null is replaced.
 */
export function withPreviousResponseId(text: string, previousResponseId: string): string {
  return text.replace(/"previous_response_id":\s*null/g, `"previous_response_id":${JSON.stringify(previousResponseId)}`);
}

function responseOf(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const response = data?.['response'];
  return typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : undefined;
}

function failedFrame(error: ProviderError, responseId: string, sequence: number, output: readonly unknown[]): string {
  const event = {
    type: 'response.failed',
    sequence_number: sequence,
    response: {
      id: responseId,
      object: 'response',
      status: 'failed',
      error: { code: responsesErrorCode(error.errorClass), message: redactSecrets(error.message) },
      output,
      usage: null,
    },
  };
  return `event: response.failed\ndata: ${JSON.stringify(event)}\n\n`;
}

function frameData(frame: string): Record<string, unknown> | undefined {
  const lines = frame.split('\n').filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(lines.map((line) => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
