// RELIABILITY.md "Ledger durability": a child process writing under load is SIGKILLed at random moments; after each
// kill the file passes integrity_check, rows in flight are 'interrupted', every committed finish is there once.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { pruneEmptyRollups, rebuildRollups } from './rollups.js';
import { tempDir, type TempDir } from './test-support/fixtures.js';

const register = pathToFileURL(fileURLToPath(new URL('./test-support/ts-register.mjs', import.meta.url))).href;
const child = fileURLToPath(new URL('./test-support/crash-child.ts', import.meta.url));

let directory: TempDir | undefined;
afterEach(() => {
  directory?.remove();
  directory = undefined;
});

interface ChildRun {
  readonly begun: Set<string>;
  readonly finished: Set<string>;
}

/** Runs the child until it has committed at least `minimumFinished` finishes, then SIGKILLs it mid-load. */
function runAndKill(path: string, prefix: string, minimumFinished: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const process = spawn(globalThis.process.execPath, ['--import', register, child, path, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { begun: new Set(), finished: new Set() };
    let buffer = '';
    let stderr = '';
    let killScheduled = false;
    const timeout = setTimeout(() => {
      process.kill('SIGKILL');
      reject(new Error(`child made no progress: ${stderr}`));
    }, 15_000);
    process.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    process.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('B ')) run.begun.add(line.slice(2));
        if (line.startsWith('F ')) run.finished.add(line.slice(2));
      }
      // ...once some in-flight row has committed too (the first batches under load may hold finishes only)
      if (!killScheduled && run.finished.size >= minimumFinished && [...run.begun].some((id) => !run.finished.has(id))) {
        killScheduled = true;
        // a random moment inside the write loop: often mid-transaction, sometimes between batches
        setTimeout(() => process.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    process.on('exit', (_code, signal) => {
      clearTimeout(timeout);
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (${String(signal)}): ${stderr}`));
      else resolve(run);
    });
  });
}

describe('SIGKILL under load', () => {
  it('leaves a sound file: in-flight rows interrupted, committed finishes present exactly once, rollups exact', async () => {
    directory = tempDir();
    const path = directory.file('ledger.sqlite');
    const allFinished = new Set<string>();
    for (const [round, minimum] of [200, 600, 1_000].entries()) {
      const run = await runAndKill(path, `round${round}`, minimum);
      for (const id of run.finished) allFinished.add(id);

      const ledger = Ledger.open({ path });
      try {
        const database = ledger.database;
        expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(database.pragma('foreign_key_check')).toEqual([]);
        expect(database.prepare(`SELECT COUNT(*) FROM requests WHERE status = 'in_flight'`).pluck().get()).toBe(0);
        expect(ledger.recovered).toBeGreaterThan(0); // the child always has long requests in flight

        const statusOf = database.prepare<[string], string>('SELECT status FROM requests WHERE id = ?').pluck();
        const attemptsOf = database.prepare<[string], number>('SELECT COUNT(*) FROM attempts WHERE request_id = ?').pluck();
        for (const id of allFinished) {
          expect(statusOf.get(id), id).toBe('ok');
          expect(attemptsOf.get(id), id).toBe(2);
        }
        // every begin that committed and never finished is now 'interrupted'
        for (const id of run.begun) {
          if (!run.finished.has(id)) expect(['interrupted', 'ok']).toContain(statusOf.get(id));
        }
        const finalRows = database.prepare<[], number>(`SELECT COUNT(*) FROM requests WHERE status = 'ok'`).pluck().get();
        expect(finalRows).toBeGreaterThanOrEqual(allFinished.size);

        pruneEmptyRollups(database);
        const rollups = database.prepare('SELECT * FROM rollup_daily ORDER BY dimension, bucket_start, key').all();
        rebuildRollups(database);
        expect(rollups).toEqual(database.prepare('SELECT * FROM rollup_daily ORDER BY dimension, bucket_start, key').all());
        const totals = database.prepare<[], { requests: number }>(`SELECT SUM(requests) AS requests FROM rollup_daily WHERE dimension = 'all'`).get();
        expect(totals?.requests).toBe(database.prepare('SELECT COUNT(*) FROM requests').pluck().get());
      } finally {
        await ledger.close();
      }
    }
  }, 60_000);
});
