// Several replicas write one database, so no replica may take another's in-flight rows for leftovers. Each process
// has an instance id and beats in `ledger_instances` every few seconds (the database's clock, so replicas' clocks
// never meet); any replica marks the in-flight rows of an instance silent for `staleAfterMs` — or of none at all —
// 'interrupted', one sweeper at a time (a transaction-level advisory lock others skip rather than wait for).
import { inTransaction, nowMsSql, type Pool } from './client.js';
import { interruptWhere } from './store.js';

export const sweepLockKey = 0x5357_5357_4545_5000n; // "SWSWEEP"

export interface InstanceInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
}

export async function heartbeat(pool: Pool, instance: InstanceInfo): Promise<void> {
  await pool.query(
    `INSERT INTO ledger_instances (id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, ${nowMsSql}, ${nowMsSql}) ` +
      `ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, heartbeat_at = excluded.heartbeat_at`,
    [instance.id, instance.host, instance.pid],
  );
}

/** The rows this instance left in flight when it last stopped (it has a stable id): marked at open. */
export async function interruptOwnLeftovers(pool: Pool, instanceId: string): Promise<number> {
  return inTransaction(pool, (client) => interruptWhere(client, 'r.instance_id = $1', [instanceId]));
}

/**
 * Marks the in-flight rows of instances that have not beaten for `staleAfterMs` (or that no instance claims)
 * 'interrupted', and forgets those instances. Returns the rows marked; 0 when another replica is sweeping.
 */
export async function sweepStaleInstances(pool: Pool, selfId: string, staleAfterMs: number): Promise<number> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [sweepLockKey.toString()]);
    if (!rows[0]?.locked) return 0;
    const alive = `SELECT 1 FROM ledger_instances i WHERE i.id = r.instance_id AND (i.id = $1 OR i.heartbeat_at >= ${nowMsSql} - $2)`;
    const marked = await interruptWhere(client, `NOT EXISTS (${alive})`, [selfId, Math.round(staleAfterMs)]);
    await client.query(`DELETE FROM ledger_instances WHERE id <> $1 AND heartbeat_at < ${nowMsSql} - $2`, [selfId, Math.round(staleAfterMs)]);
    return marked;
  });
}

export async function forgetInstance(pool: Pool, instanceId: string): Promise<void> {
  await pool.query('DELETE FROM ledger_instances WHERE id = $1', [instanceId]);
}
