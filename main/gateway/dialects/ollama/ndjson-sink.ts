// The pipeline writes a streamed answer's head as server-sent events (text/event-stream); Ollama's clients read
// NDJSON and check for application/x-ndjson. This sink passes everything through and changes that one header.
// (A `contentType` on DialectAnswer would say the same in the pipeline; this keeps the change inside the dialect.)
import { ForwardingSink } from '../../http/answer-sink.js';

export class NdjsonSink extends ForwardingSink {
  override writeHead(status: number, headers: Record<string, string | number>): unknown {
    const type = headers['content-type'];
    if (typeof type === 'string' && type.startsWith('text/event-stream')) headers['content-type'] = 'application/x-ndjson';
    return this.inner.writeHead(status, headers);
  }
}
