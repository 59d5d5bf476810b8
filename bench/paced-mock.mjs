// Loopback OpenAI-compatible mock for start-bench.js and streams-bench.js: POST …/chat/completions answers JSON, or
// with `"stream": true` an SSE stream of MOCK_CHUNKS content deltas, one every MOCK_DELAY_MS (a timer per stream, as a
// real upstream paces tokens), then a usage chunk and `data: [DONE]`. GET …/models lists one model; GET /health says ok.
// Env: MOCK_PORT (required), MOCK_CHUNKS (64), MOCK_DELAY_MS (20). 127.0.0.1 only.
import http from 'node:http';

const PORT = Number(process.env.MOCK_PORT);
const CHUNKS = Number(process.env.MOCK_CHUNKS ?? 64);
const DELAY = Number(process.env.MOCK_DELAY_MS ?? 20);
const MAX_BODY = 1 << 20;

function chunk(id, model, delta, finish) {
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

function stream(res, model) {
  const id = `chatcmpl-mock${Math.random().toString(36).slice(2, 10)}`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk(id, model, { role: 'assistant', content: '' }, null));
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(chunk(id, model, { content: ` tok${sent}` }, null));
    if (++sent < CHUNKS) return;
    clearInterval(timer);
    res.write(chunk(id, model, {}, 'stop'));
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: 12, completion_tokens: CHUNKS, total_tokens: 12 + CHUNKS } })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
  }, DELAY);
  res.on('close', () => clearInterval(timer));
}

http
  .createServer((req, res) => {
    if (req.method === 'GET') {
      if (req.url.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'mock' }] }));
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('ok');
    }
    const parts = [];
    let size = 0;
    req.on('data', (part) => {
      size += part.length;
      if (size > MAX_BODY) req.destroy();
      else parts.push(part);
    });
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end('{"error":{"message":"bad json"}}');
      }
      const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
      if (body.stream === true) return stream(res, model);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-mock',
          object: 'chat.completion',
          created: 1,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the mock.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
        }),
      );
    });
  })
  .listen(PORT, '127.0.0.1', () => console.log(`LISTENING ${PORT}`));
