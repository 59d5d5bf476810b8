// Client-token check benchmark: µs per ClientTokenStore.verify() (digest + one indexed SQLite read on its own
// connection) against the in-memory StaticTokenVerifier it replaced, on an idle ledger file and while the
// ledger's writer commits batches to the same file (a growing WAL, as under load); in team mode, against the
// PostgreSQL store's in-memory set of digests.
// Run: node --import ./main/ledger/test-support/ts-register.mjs bench/token-verify-bench.ts [tokens]
import { Ledger } from '../main/ledger/ledger.js';
import { finishRecord, tempDir } from '../main/ledger/test-support/fixtures.js';
import { ClientTokenStore } from '../main/secrets/client-token-store.js';
import { StaticTokenVerifier } from '../main/secrets/token-verifier.js';

const stored = Number(process.argv[2] ?? 50);
const rounds = 50_000;

function microseconds(run: () => void, count = rounds): number {
  for (let index = 0; index < Math.min(count, 5_000); index += 1) run();
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) run();
  return Number(process.hrtime.bigint() - start) / count / 1_000;
}

const directory = tempDir('switchyard-token-bench-');
try {
  const path = directory.file('ledger.sqlite');
  const ledger = Ledger.open({ path });
  const store = ClientTokenStore.open({ path });
  for (let index = 0; index < stored; index += 1) store.create(`tool-${index}`);
  const { token } = store.create('editor');
  const wrong = 'sy-not-a-token-at-all-0123456789abcdef0123456';
  const staticVerifier = new StaticTokenVerifier([
    { name: 'default', token },
    { name: 'env', token: wrong.replace('not', 'env') },
  ]);

  const lines: Array<[string, number]> = [];
  lines.push(['StaticTokenVerifier (2 tokens, in memory)', microseconds(() => staticVerifier.verify(token))]);
  lines.push([`store.verify, accepted (${stored + 1} tokens, idle file)`, microseconds(() => store.verify(token))]);
  lines.push(['store.verify, refused (idle file)', microseconds(() => store.verify(wrong))]);

  // The writer commits a batch of 200 finished requests every 1,000 verifies: the reads see a busy WAL.
  let sequence = 0;
  const start = process.hrtime.bigint();
  const batches = 50;
  let verifyNs = 0n;
  for (let batch = 0; batch < batches; batch += 1) {
    const before = process.hrtime.bigint();
    for (let index = 0; index < 1_000; index += 1) store.verify(token);
    verifyNs += process.hrtime.bigint() - before;
    for (let index = 0; index < 200; index += 1) ledger.finish(finishRecord(`bench-${(sequence += 1)}`, { startedAt: Date.now() }));
    ledger.flush();
  }
  lines.push([
    `store.verify while the writer commits (${sequence} rows in ${Math.round(Number(process.hrtime.bigint() - start) / 1e6)} ms)`,
    Number(verifyNs) / (batches * 1_000) / 1_000,
  ]);

  // Team mode (ledger.url): the same check against the in-memory set of PostgreSQL's active digests, when a server
  // is at hand (`npm test -- node --import … bench/token-verify-bench.ts` starts one).
  const postgresUrl = process.env['SWITCHYARD_TEST_POSTGRES_URL'];
  if (postgresUrl) {
    const { PostgresClientTokenStore } = await import('../main/secrets/postgres-client-token-store.js');
    const shared = await PostgresClientTokenStore.open({ url: postgresUrl });
    try {
      for (let index = 0; index < stored; index += 1) await shared.create(`bench-${process.pid}-${index}`);
      const { token: sharedToken } = await shared.create(`bench-${process.pid}-editor`);
      lines.push([`PostgreSQL store.verify, accepted (${shared.view().active} tokens in memory)`, microseconds(() => shared.verify(sharedToken))]);
      lines.push(['PostgreSQL store.verify, refused', microseconds(() => shared.verify(wrong))]);
    } finally {
      await shared.close();
    }
  } else {
    console.log('(PostgreSQL: not measured; run under `npm test --` to include team mode)');
  }

  for (const [what, value] of lines) console.log(`${value.toFixed(2).padStart(8)} µs  ${what}`);
  store.close();
  await ledger.close();
} finally {
  directory.remove();
}
