// An answer sink that keeps a copy of what it writes, for the response cache: each write as one frame, so a
// streamed answer is replayed with the chunking the client first got. It stops keeping (and the answer is not
// cached) past `maxBytes`, so a huge answer costs no memory here.
import { ForwardingSink, type AnswerSink } from '../http/answer-sink.js';

export class RecordingSink extends ForwardingSink {
  readonly frames: Buffer[] = [];
  bytes = 0;
  /** more than maxBytes was written: the copy is incomplete */
  overflowed = false;
  status: number | undefined;
  /** runs as the answer's end is written, before it is handed on (the pipeline sets it once the answer ended well) */
  onEnd: (() => void) | undefined;

  constructor(
    inner: AnswerSink,
    private readonly maxBytes: number,
  ) {
    super(inner);
  }

  override writeHead(status: number, headers: Record<string, string | number>): unknown {
    this.status = status;
    return this.inner.writeHead(status, headers);
  }

  override write(data: string | Buffer): boolean {
    this.keep(data);
    return this.inner.write(data);
  }

  override end(data?: string | Buffer): unknown {
    if (data !== undefined) this.keep(data);
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    // a client already gone does not get the answer kept for it
    if (onEnd && !this.inner.destroyed) onEnd();
    return this.inner.end(data);
  }

  private keep(data: string | Buffer): void {
    if (this.overflowed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    if (bytes.length === 0) return;
    this.bytes += bytes.length;
    if (this.bytes > this.maxBytes) {
      this.overflowed = true;
      this.frames.length = 0;
      return;
    }
    this.frames.push(bytes);
  }
}
