// The gateway under soak, in its own process: boots like `switchyard serve` and answers the soak driver's
// questions over IPC (memory after GC, live handles by kind, requests in flight).
import { bootGateway } from '../../dist/main/boot.js';

const [configPath, dataDir] = process.argv.slice(2);
const { gateway } = await bootGateway({
  env: { PATH: process.env.PATH ?? '' },
  dataDir,
  configFlag: configPath,
  port: 0,
  log: () => undefined,
  watchConfig: false,
});

function resources() {
  const counts = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

process.on('message', (message) => {
  if (message === 'stats') {
    globalThis.gc?.();
    globalThis.gc?.();
    const memory = process.memoryUsage();
    process.send?.({ rss: memory.rss, heapUsed: memory.heapUsed, resources: resources(), inFlight: gateway.status().inFlight });
  } else if (message === 'stop') {
    void gateway.stop(2_000).then(() => process.exit(0));
  }
});
process.send?.({ ready: true, url: gateway.url });
