// The bare-Node baselines start-bench.js compares Switchyard with, on the same machine and in the same run:
//   node bench/bare-node.mjs serve PORT   a node:http server answering GET /health with 200 "ok" (what `serve`'s
//                                         readiness and idle RSS are measured against)
//   node bench/bare-node.mjs version      prints package.json's version (what `switchyard --version` and the other
//                                         non-serving commands are measured against: Node's start plus one small file read)
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [mode, port] = process.argv.slice(2);
if (mode === 'serve') {
  http
    .createServer((req, res) => {
      res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain' });
      res.end(req.url === '/health' ? 'ok' : 'not found');
    })
    .listen(Number(port), '127.0.0.1');
} else if (mode === 'version') {
  console.log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
} else {
  console.error('usage: bare-node.mjs serve PORT | version');
  process.exit(2);
}
