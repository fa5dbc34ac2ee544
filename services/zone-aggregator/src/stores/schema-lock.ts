import type pg from 'pg';

/**
 * Runs `work` (idempotent DDL) in one transaction holding an advisory lock named after `table`:
 * instances starting together would otherwise race on CREATE … IF NOT EXISTS.
 */
export async function underSchemaLock(
  client: pg.ClientBase,
  table: string,
  work: () => Promise<void>,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
