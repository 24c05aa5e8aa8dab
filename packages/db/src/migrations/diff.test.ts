import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { withClient } from '../postgres/connection.js';
import { MAINTENANCE_DATABASE, withDatabaseName } from '../postgres/database-url.js';
import { MIGRATION_LOCK_CONTENT, defaultMigrationsDir, defaultSchemaPath, diffMigration, migrationTimestamp } from './index.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const tempDirs: string[] = [];

// Tests work on copies: a diff against the repository itself would write into prisma/migrations
// whenever someone has changed the schema without a migration yet.
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-diff-'));
  tempDirs.push(dir);
  return dir;
}

async function copyOfRepositoryMigrations(): Promise<string> {
  const dir = await tempDir();
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

async function shadowDatabases(): Promise<string[]> {
  return withClient(withDatabaseName(serverUrl, MAINTENANCE_DATABASE), async (client) => {
    const result = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'");
    return result.rows.map((row) => row.datname);
  });
}

afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('diffMigration', () => {
  it('reports no changes between the committed migrations and prisma/schema.prisma', async () => {
    const migrationsDir = await copyOfRepositoryMigrations();
    const before = await readdir(migrationsDir);
    const lines: string[] = [];

    const result = await diffMigration({ name: 'unexpected', migrationsDir, databaseUrl: serverUrl, log: (line) => lines.push(line) });

    expect(result).toEqual({ created: false });
    expect(lines.join('\n')).toMatch(/^no changes/);
    expect(await readdir(migrationsDir)).toEqual(before);
  });

  it('writes the SQL from the last migration to a changed schema, and cleans up its shadow database', async () => {
    const migrationsDir = await copyOfRepositoryMigrations();
    const schemaPath = join(await tempDir(), 'schema.prisma');
    const schema = await readFile(defaultSchemaPath(), 'utf8');
    const changed = schema.replace(/(model Model \{[^}]*?)(\n\s*@@map\("models"\))/, '$1\n  owner String?\n  @@index([owner])$2');
    expect(changed).not.toBe(schema);
    await writeFile(schemaPath, changed);
    const shadowsBefore = await shadowDatabases();

    const result = await diffMigration({
      name: 'add_model_owner',
      migrationsDir,
      schemaPath,
      databaseUrl: serverUrl,
      now: new Date('2099-01-02T03:04:05Z'),
      log: () => {},
    });

    expect(result.created).toBe(true);
    if (!result.created) return;
    expect(result.migrationName).toBe('20990102030405_add_model_owner');
    const written = await readFile(join(migrationsDir, '20990102030405_add_model_owner', 'migration.sql'), 'utf8');
    expect(written).toBe(result.sql);
    // Only the change: the existing tables come from replaying the migrations, not from scratch.
    expect(written).toContain('ALTER TABLE "models" ADD COLUMN     "owner" TEXT');
    expect(written).toContain('CREATE INDEX "models_owner_idx" ON "models"("owner")');
    expect(written).not.toContain('CREATE TABLE');
    expect(await shadowDatabases()).toEqual(shadowsBefore);
  });

  it('starts from an empty database when there are no migrations, and writes migration_lock.toml', async () => {
    const migrationsDir = join(await tempDir(), 'migrations');

    const result = await diffMigration({ name: 'init', migrationsDir, databaseUrl: serverUrl, now: new Date('2030-05-06T07:08:09Z'), log: () => {} });

    expect(result.created).toBe(true);
    if (!result.created) return;
    expect(result.migrationName).toBe('20300506070809_init');
    expect(result.sql).toContain(`CREATE TYPE "RevisionKind" AS ENUM ('deploy', 'promote', 'canary', 'rollback', 'auto-advance', 'auto-rollback', 'auto-promote');`);
    expect(result.sql).toContain('CREATE TABLE "model_versions"');
    expect(await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8')).toBe(MIGRATION_LOCK_CONTENT);
  });

  it('refuses a name that is not snake_case, before touching anything', async () => {
    const migrationsDir = await tempDir();
    await expect(diffMigration({ name: 'Add Owner', migrationsDir, log: () => {} })).rejects.toThrow(/snake_case/);
    expect(await readdir(migrationsDir)).toEqual([]);
  });
});

describe('migrationTimestamp', () => {
  it('is yyyyMMddHHmmss in UTC', () => {
    expect(migrationTimestamp(new Date('2025-03-04T05:06:07.890+02:00'))).toBe('20250304030607');
  });
});
