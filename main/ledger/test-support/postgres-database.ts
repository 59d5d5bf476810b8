// For tests: a database of the test file's own on the PostgreSQL `npm test` starts (test/support/team-services.ts),
// created empty and dropped afterwards, so files running in parallel never meet.
import { randomBytes } from 'node:crypto';
import { testPostgresUrl } from '../../../test/support/team-services.js';
import { createPool } from '../postgres/client.js';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = testPostgresUrl();
  const name = `sy_${randomBytes(6).toString('hex')}`;
  const admin = await createPool({ url: server, max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const pool = await createPool({ url: server, max: 1 });
      try {
        await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await pool.end();
      }
    },
  };
}
