import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { withClient } from '../postgres/connection.js';
import { MAINTENANCE_DATABASE, withDatabaseName } from '../postgres/database-url.js';
import { dropDatabase } from '../postgres/databases.js';
import { DatabaseConnectionError, MIGRATION_LOCK_CONTENT, applyMigrations, defaultMigrationsDir, ensureDatabase, listMigrationNames } from './index.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const createdDatabases: string[] = [];
const tempDirs: string[] = [];

function freshDatabaseUrl(): string {
  const name = `modelgate_apply_test_${randomBytes(4).toString('hex')}`;
  createdDatabases.push(name);
  return withDatabaseName(serverUrl, name);
}

async function migrationsDirWith(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-migrations-'));
  tempDirs.push(dir);
  await writeFile(join(dir, 'migration_lock.toml'), MIGRATION_LOCK_CONTENT);
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

afterAll(async () => {
  await withClient(withDatabaseName(serverUrl, MAINTENANCE_DATABASE), async (client) => {
    for (const name of createdDatabases) await dropDatabase(client, name);
  });
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('applyMigrations', () => {
  const databaseUrl = freshDatabaseUrl();

  it('applies the repository migrations into a fresh database and records them in _prisma_migrations', async () => {
    expect(await ensureDatabase(databaseUrl)).toBe(true);
    const expected = await listMigrationNames(defaultMigrationsDir());
    expect(expected.length).toBeGreaterThan(0);

    expect(await applyMigrations({ databaseUrl })).toEqual(expected);

    const rows = await withClient(databaseUrl, async (client) => {
      const result = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number }>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at',
      );
      return result.rows;
    });
    expect(rows.map((row) => row.migration_name)).toEqual(expected);
    for (const row of rows) {
      // The checksum `prisma migrate deploy` compares against: sha256 of the file's bytes.
      const sql = await readFile(join(defaultMigrationsDir(), row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('applies nothing when re-run', async () => {
    expect(await ensureDatabase(databaseUrl)).toBe(false);
    expect(await applyMigrations({ databaseUrl })).toEqual([]);
    const count = await withClient(databaseUrl, async (client) => (await client.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n);
    expect(count).toBe((await listMigrationNames(defaultMigrationsDir())).length);
  });

  it('applies only the migrations added since', async () => {
    const first = { '20240101000000_first': 'CREATE TABLE "first" (id int);\n' };
    const migrationsDir = await migrationsDirWith(first);
    const url = freshDatabaseUrl();
    await ensureDatabase(url);
    expect(await applyMigrations({ databaseUrl: url, migrationsDir })).toEqual(['20240101000000_first']);

    await mkdir(join(migrationsDir, '20240102000000_second'));
    await writeFile(join(migrationsDir, '20240102000000_second', 'migration.sql'), 'CREATE TABLE "second" (id int);\n');
    expect(await applyMigrations({ databaseUrl: url, migrationsDir })).toEqual(['20240102000000_second']);
  });

  it('runs a script whole, so semicolons inside literals and function bodies are fine', async () => {
    const migrationsDir = await migrationsDirWith({
      '20240101000000_tricky': `CREATE TABLE "notes" (body text NOT NULL DEFAULT 'a;b');
CREATE FUNCTION one() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;
`,
    });
    const url = freshDatabaseUrl();
    await ensureDatabase(url);
    expect(await applyMigrations({ databaseUrl: url, migrationsDir })).toEqual(['20240101000000_tricky']);
    const value = await withClient(url, async (client) => (await client.query('SELECT one() AS one')).rows[0].one);
    expect(value).toBe(1);
  });

  it('leaves nothing of a failing migration behind and reports it by name', async () => {
    const migrationsDir = await migrationsDirWith({
      '20240101000000_broken': 'CREATE TABLE "half" (id int);\nCREATE TABLE "half" (id int);\n',
    });
    const url = freshDatabaseUrl();
    await ensureDatabase(url);
    await expect(applyMigrations({ databaseUrl: url, migrationsDir })).rejects.toThrow(/20240101000000_broken[\s\S]*already exists|already exists[\s\S]*20240101000000_broken/);
    const tables = await withClient(url, async (client) => (await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'half'")).rowCount);
    // The script ran as one implicit transaction, so its first statement was rolled back too.
    expect(tables).toBe(0);
  });

  it('names the URL when PostgreSQL does not answer', async () => {
    const unreachable = 'postgresql://postgres:secret@127.0.0.1:1/modelgate';
    const failure = applyMigrations({ databaseUrl: unreachable });
    await expect(failure).rejects.toBeInstanceOf(DatabaseConnectionError);
    await expect(failure).rejects.toThrow('PostgreSQL did not answer at postgresql://postgres:***@127.0.0.1:1/modelgate');
  });

  it('says so when the database does not exist', async () => {
    const missing = withDatabaseName(serverUrl, `modelgate_missing_${randomBytes(4).toString('hex')}`);
    await expect(applyMigrations({ databaseUrl: missing })).rejects.toThrow(/does not exist.*ensureDatabase/);
  });
});
