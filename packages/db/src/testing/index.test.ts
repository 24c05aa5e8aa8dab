import { afterAll, describe, expect, it } from 'vitest';

import { createPrismaClient } from '../index.js';
import { defaultMigrationsDir, listMigrationNames } from '../migrations/index.js';
import { withClient } from '../postgres/connection.js';
import { MAINTENANCE_DATABASE, withDatabaseName } from '../postgres/database-url.js';
import { type TestDatabase, createTestDatabase, migrationsFingerprint } from './index.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const created: TestDatabase[] = [];

async function track(database: Promise<TestDatabase>): Promise<TestDatabase> {
  created.push(await database);
  return created.at(-1)!;
}

async function databaseRow(name: string): Promise<{ datistemplate: boolean } | undefined> {
  return withClient(withDatabaseName(serverUrl, MAINTENANCE_DATABASE), async (client) => {
    const result = await client.query<{ datistemplate: boolean }>('SELECT datistemplate FROM pg_database WHERE datname = $1', [name]);
    return result.rows[0];
  });
}

afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

describe('createTestDatabase', () => {
  it('creates a migrated copy of the template that a PrismaClient can use', async () => {
    const database = await track(createTestDatabase());
    expect(database.name).toMatch(/^modelgate_test_[0-9a-z]+_[0-9a-f]{8}$/);
    expect(database.url).toBe(withDatabaseName(serverUrl, database.name));

    const template = `modelgate_tpl_${await migrationsFingerprint(defaultMigrationsDir())}`;
    expect(await databaseRow(template)).toEqual({ datistemplate: true });

    const applied = await withClient(database.url, async (client) => (await client.query('SELECT migration_name FROM _prisma_migrations ORDER BY migration_name')).rows);
    expect(applied.map((row) => row.migration_name)).toEqual(await listMigrationNames(defaultMigrationsDir()));

    const prisma = createPrismaClient(database.url);
    try {
      const model = await prisma.model.create({ data: { name: 'fraud-detector', description: 'scores card payments' } });
      const found = await prisma.model.findUnique({ where: { name: 'fraud-detector' } });
      expect(found).toMatchObject({ id: model.id, name: 'fraud-detector', description: 'scores card payments' });
      expect(found?.createdAt).toBeInstanceOf(Date);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('gives every call its own database', async () => {
    const [first, second] = await Promise.all([track(createTestDatabase()), track(createTestDatabase())]);
    expect(first.name).not.toBe(second.name);

    const prisma = createPrismaClient(first.url);
    try {
      await prisma.model.create({ data: { name: 'only-in-first' } });
    } finally {
      await prisma.$disconnect();
    }
    const inSecond = await withClient(second.url, async (client) => (await client.query('SELECT count(*)::int AS n FROM models')).rows[0].n);
    expect(inSecond).toBe(0);
  });

  it('drop() removes the database even with a connection still open, and can be called again', async () => {
    const database = await createTestDatabase();
    const prisma = createPrismaClient(database.url);
    await prisma.model.count();

    await database.drop();

    expect(await databaseRow(database.name)).toBeUndefined();
    await database.drop();
    await prisma.$disconnect().catch(() => {});
  });
});
