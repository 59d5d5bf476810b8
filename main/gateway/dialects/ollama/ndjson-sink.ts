// The pipeline writes a streamed answer's head as server-sent events (text/event-stream); Ollama's clients read
// NDJSON and check for application/x-ndjson. This sink passes everything through and changes that one header.
// (A `contentType` on DialectAnswer would say the same in the pipeline; this keeps the change inside the dialect.)
import type { AnswerSink } from '../../http/answer-sink.js';

export class NdjsonSink implements AnswerSink {
  constructor(private readonly inner: AnswerSink) {}

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
    const type = headers['content-type'];
    if (typeof type === 'string' && type.startsWith('text/event-stream')) headers['content-type'] = 'application/x-ndjson';
    return this.inner.writeHead(status, headers);
  }

  write(data: string | Buffer): boolean {
    return this.inner.write(data);
  }

  end(data?: string | Buffer): unknown {
    return this.inner.end(data);
  }

  on(event: 'close' | 'drain', listener: () => void): unknown {
    return this.inner.on(event, listener);
  }

  off(event: 'close' | 'drain', listener: () => void): unknown {
    return this.inner.off(event, listener);
  }
}
