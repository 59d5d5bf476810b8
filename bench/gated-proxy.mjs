#!/usr/bin/env node
// A reference for the streaming bench: the harness's minimal parse-and-forward proxy (minimal-proxy.mjs,
// PROXY_MODE=parse) plus the one rule Switchyard must keep and that proxy does not — the first-chunk gate
// (../shared/RELIABILITY.md: nothing is committed to the client before the first content event). It holds the
// response head and every frame until a frame with content arrives, then sends them together and streams the rest as
// it comes. No routing, no fallback, no ledger: the floor for time-to-first-token of any gateway that gates, so the
// stream bench can tell the gate's own price (paid mostly by the client, which parses the head at its first token
// instead of while the upstream thinks) from what Switchyard adds on top.
// Env: UPSTREAM_URL (e.g. http://127.0.0.1:4010), PROXY_PORT (0 = any). Prints "LISTENING <port>". 127.0.0.1 only.
import http from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL || 'http://127.0.0.1:4010');
const pool = new Pool(upstream.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 300_000, bodyTimeout: 300_000 });
const prefix = upstream.pathname.replace(/\/$/, '');
const hop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);

function forwardable(headers) {
  const out = {};
  for (const name in headers) if (!hop.has(name)) out[name] = headers[name];
  return out;
}

function fail(res, status, message) {
  if (res.headersSent) return res.destroy();
  const body = JSON.stringify({ error: { message, type: 'proxy_error' } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** The gate's test, as Switchyard's (main/gateway/streaming/gate.ts) in short: text, reasoning, a tool call, a finish, or usage alone. */
function hasContent(chunk) {
  if (chunk.usage && Array.isArray(chunk.choices) && chunk.choices.length === 0) return true;
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta ?? {};
    if (choice.finish_reason || delta.content || delta.reasoning_content || delta.refusal || delta.tool_calls?.length) return true;
  }
  return false;
}

/** Splits SSE lines across reads; true when the read held a content frame or the terminator. */
function contentScanner() {
  let tail = '';
  return (bytes) => {
    const lines = (tail + bytes.toString('utf8')).split('\n');
    tail = lines.pop();
    let content = false;
    for (const line of lines) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') content = true;
      else if (data !== '') {
        try {
          if (hasContent(JSON.parse(data))) content = true;
        } catch {
          // a frame that is not JSON is forwarded as it is
        }
      }
    }
    return content;
  };
}

const drained = (res) => new Promise((resolve) => res.once('drain', resolve));

async function handle(req, res) {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  let body = null;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    let request;
    try {
      const raw = await readBody(req);
      request = raw.length ? JSON.parse(raw) : {};
    } catch {
      return fail(res, 400, 'invalid JSON');
    }
    if (request.stream && req.url.includes('/chat/completions')) request.stream_options = { ...request.stream_options, include_usage: true };
    body = JSON.stringify(request);
  }
  const headers = forwardable(req.headers);
  if (body !== null) headers['content-length'] = Buffer.byteLength(body);
  const up = await pool.request({ path: prefix + req.url, method: req.method, headers, body, signal: controller.signal });
  if (up.statusCode === 200 && String(up.headers['content-type'] ?? '').includes('text/event-stream')) {
    const scan = contentScanner();
    let held = [];
    for await (const bytes of up.body) {
      // every frame is parsed, also after the gate opened: node-parse parses each one for usage, and so does Switchyard
      const content = scan(bytes);
      if (held === null) {
        if (!res.write(bytes)) await drained(res);
        continue;
      }
      held.push(bytes);
      if (!content) continue;
      res.writeHead(200, forwardable(up.headers));
      const head = held.length === 1 ? held[0] : Buffer.concat(held);
      held = null;
      if (!res.write(head)) await drained(res);
    }
    if (held !== null) {
      res.writeHead(200, forwardable(up.headers));
      for (const bytes of held) res.write(bytes);
    }
    res.end();
    return;
  }
  const answer = Buffer.from(await up.body.arrayBuffer());
  res.writeHead(up.statusCode, { ...forwardable(up.headers), 'content-length': answer.length });
  res.end(answer);
}

const server = http.createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
  handle(req, res).catch((error) => fail(res, 502, `upstream error: ${error.message}`));
});
server.headersTimeout = 30_000;
server.requestTimeout = 0;
server.listen(Number(process.env.PROXY_PORT || 0), '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
  pool.close().catch(() => undefined);
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
