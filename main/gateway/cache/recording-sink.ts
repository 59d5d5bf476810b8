// An answer sink that keeps a copy of what it writes, for the response cache: each write as one frame, so a
// streamed answer is replayed with the chunking the client first got. It stops keeping (and the answer is not
// cached) past `maxBytes`, so a huge answer costs no memory here.
import type { AnswerSink } from '../http/answer-sink.js';

export class RecordingSink implements AnswerSink {
  readonly frames: Buffer[] = [];
  bytes = 0;
  /** more than maxBytes was written: the copy is incomplete */
  overflowed = false;
  status: number | undefined;
  /** runs as the answer's end is written, before it is handed on (the pipeline sets it once the answer ended well) */
  onEnd: (() => void) | undefined;

  constructor(
    private readonly inner: AnswerSink,
    private readonly maxBytes: number,
  ) {}

  get headersSent(): boolean {
    return this.inner.headersSent;
  }
  get destroyed(): boolean {
    return this.inner.destroyed;
  }
  get writableEnded(): boolean {
    return this.inner.writableEnded;
  }
  get writableFinished(): boolean {
    return this.inner.writableFinished;
  }
  get writableNeedDrain(): boolean {
    return this.inner.writableNeedDrain;
  }
  get socket(): AnswerSink['socket'] {
    return this.inner.socket;
  }

  writeHead(status: number, headers: Record<string, string | number>): unknown {
    this.status = status;
    return this.inner.writeHead(status, headers);
  }

  write(data: string | Buffer): boolean {
    this.keep(data);
    return this.inner.write(data);
  }

  end(data?: string | Buffer): unknown {
    if (data !== undefined) this.keep(data);
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    // a client already gone does not get the answer kept for it
    if (onEnd && !this.inner.destroyed) onEnd();
    return this.inner.end(data);
  }

  on(event: 'close' | 'drain', listener: () => void): unknown {
    return this.inner.on(event, listener);
  }

  off(event: 'close' | 'drain', listener: () => void): unknown {
    return this.inner.off(event, listener);
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
