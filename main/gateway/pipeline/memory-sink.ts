// An AnswerSink in memory, for driving the pipeline and the dialects in-process: it records the status, the headers
// and every byte written, and can play a client that goes away (close()) or reads slowly (full()).
import { EventEmitter } from 'node:events';
import type { AnswerSink } from '../http/answer-sink.js';

export class MemorySink extends EventEmitter implements AnswerSink {
  status: number | undefined;
  headers: Record<string, string> = {};
  readonly writes: string[] = [];
  headersSent = false;
  destroyed = false;
  writableEnded = false;
  writableFinished = false;
  writableNeedDrain = false;
  readonly socket = null;
  private readonly ended: Promise<void>;
  private resolveEnded!: () => void;

  constructor() {
    super();
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  writeHead(status: number, headers: Record<string, string | number>): this {
    this.status = status;
    for (const [name, value] of Object.entries(headers)) this.headers[name.toLowerCase()] = String(value);
    this.headersSent = true;
    return this;
  }

  write(data: string | Buffer): boolean {
    if (this.destroyed || this.writableEnded) return false;
    this.headersSent = true;
    this.writes.push(data.toString());
    return true;
  }

  end(data?: string | Buffer): this {
    if (this.writableEnded) return this;
    if (data !== undefined && data.length > 0) this.writes.push(data.toString());
    this.headersSent = true;
    this.writableEnded = true;
    this.writableFinished = !this.destroyed;
    this.resolveEnded();
    this.emit('close');
    return this;
  }

  /** The client goes away. */
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.resolveEnded();
    this.emit('close');
  }

  get text(): string {
    return this.writes.join('');
  }

  /** Resolves once the answer has ended or the client has gone. */
  finished(): Promise<void> {
    return this.ended;
  }
}
