// Gemini-dialect stream output, in either of Google's two forms: with `alt=sse`, one `data: {…}` event per element;
// without it, one JSON array written element by element (`[{…}` then `,\r\n{…}` … `]`). When the upstream was Gemini
// and the call native, its own elements go out as they came (every part carries them); otherwise the canonical
// chunks are translated. Either way a failure after the first byte is one `{"error":…}` element and nothing after it
// (the array is closed, so what was sent stays one JSON value).
import { redactSecrets } from '../../../../shared/redact.js';
import type { AnswerSink } from '../../http/answer-sink.js';
import { writeStream, type StreamEncoder, type StreamSummary } from '../../pipeline/stream-writer.js';
import type { StreamPart } from '../../providers/types.js';
import { geminiErrorJson } from './gemini-errors.js';
import { GeminiFrameTranslator } from './stream-frames.js';

export type StreamForm = 'sse' | 'json-array';

export interface GeminiStreamOptions {
  readonly form: StreamForm;
  /** modelVersion of a translated stream: what the client asked for */
  readonly modelVersion: string;
  readonly signal: AbortSignal;
}

export function writeGeminiStream(
  sink: AnswerSink,
  head: readonly StreamPart[],
  rest: AsyncIterator<StreamPart>,
  options: GeminiStreamOptions,
): Promise<StreamSummary> {
  const native = head[0]?.nativeFrames !== undefined;
  return writeStream(sink, head, rest, (native ? nativeElements : translatedElements)(new ElementFramer(options.form), options.modelVersion), options.signal);
}

/** Frames JSON elements in the chosen form, remembering whether the array has been opened. */
export class ElementFramer {
  private opened = false;

  constructor(private readonly form: StreamForm) {}

  element(json: string): string {
    if (this.form === 'sse') return `data: ${json}\r\n\r\n`;
    const separator = this.opened ? ',\r\n' : '[';
    this.opened = true;
    return separator + json;
  }

  end(): string {
    if (this.form === 'sse') return '';
    return this.opened ? ']' : '[]';
  }
}

function translatedElements(framer: ElementFramer, modelVersion: string): StreamEncoder {
  const translator = new GeminiFrameTranslator(modelVersion);
  return (part) => {
    if (part.type === 'error') return framer.element(geminiErrorJson(part.error)) + framer.end();
    if (part.type === 'done') return framer.element(JSON.stringify(translator.finish())) + framer.end();
    const element = translator.chunk(part.chunk);
    return element ? framer.element(JSON.stringify(element)) : '';
  };
}

/**
 * The upstream's elements as they came; on a failure, up to its own `{"error":…}` element (masked, like every
 * upstream error text), or ours when the failure was not the upstream's to report (a timeout, a cut connection).
 */
function nativeElements(framer: ElementFramer): StreamEncoder {
  return (part) => {
    const elements = part.nativeFrames ?? [];
    if (part.type === 'error') {
      const last = elements.at(-1);
      const upstreamError = last !== undefined && /^\s*\{\s*"error"/.test(last);
      const sent = (upstreamError ? elements.slice(0, -1) : elements).map((element) => framer.element(element)).join('');
      return sent + framer.element(upstreamError ? redactSecrets(last) : geminiErrorJson(part.error)) + framer.end();
    }
    const text = elements.map((element) => framer.element(element)).join('');
    return part.type === 'done' ? text + framer.end() : text;
  };
}
