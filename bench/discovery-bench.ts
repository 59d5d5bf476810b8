// Local-server discovery wall time (providers.discover, serve's "found:" lines): median and max of N runs with
// nothing listening on the candidate ports, with six local servers answering (test/fakes/local-servers-fake.ts:
// Ollama, LM Studio, llama.cpp and LocalAI sharing-port style, vLLM, Jan), and with one server too slow for the
// deadline (the call must end at the deadline, not at the slow answer). All on 127.0.0.1.
// Run: node --import ./main/ledger/test-support/ts-register.mjs bench/discovery-bench.ts [runs=20]
import { createServer } from 'node:net';
import { discoverLocalServers, discoveryDeadlineMs, type DiscoveryCandidate } from '../main/control/discover.js';
import type { LocalServerPreset } from '../main/control/local-servers.js';
import { FakeLocalServer } from '../test/fakes/local-servers-fake.js';

const runs = Number(process.argv[2] ?? 20);

function at(preset: LocalServerPreset, port: number): DiscoveryCandidate {
  return { preset, baseUrl: preset === 'ollama' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1` };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function measure(label: string, candidates: readonly DiscoveryCandidate[]): Promise<void> {
  await discoverLocalServers([], { candidates }); // warm-up: module code, first sockets
  const times: number[] = [];
  let found = 0;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    found = (await discoverLocalServers([], { candidates })).length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const max = times[times.length - 1] ?? 0;
  console.log(`${label.padEnd(44)} ${String(found).padStart(5)}  ${median.toFixed(1).padStart(8)}  ${max.toFixed(1).padStart(8)}`);
}

const ports = await Promise.all(Array.from({ length: 5 }, () => closedPort()));
const closed = (['ollama', 'lmstudio', 'llamacpp', 'localai', 'vllm', 'jan'] as const).map((preset, index) => at(preset, ports[Math.min(index, 4)] ?? 1));
const fakes = await Promise.all((['ollama', 'lmstudio', 'llamacpp', 'localai', 'vllm', 'jan'] as const).map((kind) => FakeLocalServer.start(kind)));
const [ollama, lmstudio, llamacpp, localai, vllm, jan] = fakes;
if (!ollama || !lmstudio || !llamacpp || !localai || !vllm || !jan) throw new Error('a fake did not start');
const six = [
  at('ollama', ollama.listeningPort),
  at('lmstudio', lmstudio.listeningPort),
  ...[llamacpp, localai].flatMap((fake) => [at('llamacpp', fake.listeningPort), at('localai', fake.listeningPort)]),
  at('vllm', vllm.listeningPort),
  at('jan', jan.listeningPort),
];
const slow = await FakeLocalServer.start('lmstudio', { delayMs: 2_000 });

console.log(`discovery wall time, ${runs} runs each, deadline ${discoveryDeadlineMs} ms (Node ${process.version})`);
console.log(`${'case'.padEnd(44)} found  median ms    max ms`);
await measure('nothing listening (6 presets, 5 ports)', closed);
await measure('six servers answering', six);
await measure('six answering + one beyond the deadline', [...six, at('vllm', slow.listeningPort)]);
await Promise.all([...fakes, slow].map((fake) => fake.close()));
