// Throwaway databases for integration tests.
//
// Migrating a database takes a while; copying one is fast. So the migrations are applied once into
// a template database named after a hash of all migration.sql files (`modelgate_tpl_<hash>`), and
// each test database is a copy of it (`CREATE DATABASE ... TEMPLATE ...`). A new or edited
// migration changes the hash and so builds a new template; an unchanged set reuses the existing
// one across test runs and processes.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type pg from 'pg';

import { applyMigrations } from '../migrations/apply.js';
import { MIGRATION_FILE, defaultMigrationsDir, listMigrationNames } from '../migrations/migrations-directory.js';
import { withClient } from '../postgres/connection.js';
import { MAINTENANCE_DATABASE, redactDatabaseUrl, withDatabaseName } from '../postgres/database-url.js';
import { dropDatabase, isPgError, quoteIdentifier } from '../postgres/databases.js';

export interface CreateTestDatabaseOptions {
  /**
   * Any URL on the PostgreSQL server to use (only server, user and options matter). Defaults to
   * DATABASE_URL, then postgresql://postgres@127.0.0.1:5432/postgres.
   */
  baseUrl?: string;
  /** Defaults to the repository's prisma/migrations, or MODELGATE_MIGRATIONS_DIR. */
  migrationsDir?: string;
}

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Its name, `modelgate_test_<created at, base 36>_<random>`. */
  name: string;
  /** Disconnects whoever is still connected and drops the database. Safe to call twice. */
  drop(): Promise<void>;
}

export const DEFAULT_TEST_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const TEST_DATABASE_PREFIX = 'modelgate_test_';
export const TEMPLATE_DATABASE_PREFIX = 'modelgate_tpl_';
/** Test databases older than this are taken to be leftovers of crashed runs and dropped. */
const STALE_AFTER_MS = 60 * 60 * 1000;
// Serialises template builders across processes (vitest runs test files in parallel workers).
// Advisory locks are per database; this one is always taken in the `postgres` database.
const TEMPLATE_LOCK_KEY = 0x6d677470; // "mgtp"

/** Short hash of every migration's name and SQL: the identity of the schema they build. */
export async function migrationsFingerprint(migrationsDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of await listMigrationNames(migrationsDir)) {
    hash.update(`${name}\0`);
    hash.update(await readFile(join(migrationsDir, name, MIGRATION_FILE)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

// Templates this process has already seen ready, by server and name: later calls skip the lock.
const readyTemplates = new Map<string, Promise<void>>();

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const baseUrl = options.baseUrl ?? process.env.DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
  const adminUrl = withDatabaseName(baseUrl, MAINTENANCE_DATABASE);
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const templateName = `${TEMPLATE_DATABASE_PREFIX}${await migrationsFingerprint(migrationsDir)}`;

  const templateKey = `${adminUrl} ${templateName}`;
  let ready = readyTemplates.get(templateKey);
  if (!ready) {
    ready = prepareTemplate({ baseUrl, adminUrl, templateName, migrationsDir });
    readyTemplates.set(templateKey, ready);
    ready.catch(() => readyTemplates.delete(templateKey));
  }
  await ready;

  const name = `${TEST_DATABASE_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => cloneTemplate(client, templateName, name), purposeOf(baseUrl));
  let dropped: Promise<void> | undefined;
  return {
    url: withDatabaseName(baseUrl, name),
    name,
    drop() {
      dropped ??= withClient(adminUrl, (client) => dropDatabase(client, name), purposeOf(baseUrl));
      return dropped;
    },
  };
}

function purposeOf(baseUrl: string): string {
  return `server of ${redactDatabaseUrl(baseUrl)}, for test databases`;
}

async function prepareTemplate(options: { baseUrl: string; adminUrl: string; templateName: string; migrationsDir: string }): Promise<void> {
  const { baseUrl, adminUrl } = options;
  await withClient(
    adminUrl,
    async (client) => {
      await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
      try {
        await buildTemplateUnlessReady(client, options);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
      }
      // Once per process and template is often enough to keep crashed runs from piling up.
      await dropStaleTestDatabases(client);
    },
    purposeOf(baseUrl),
  );
}

/** Call with the template lock held. */
async function buildTemplateUnlessReady(client: pg.Client, options: { baseUrl: string; templateName: string; migrationsDir: string }): Promise<void> {
  const { baseUrl, templateName, migrationsDir } = options;
  const existing = await client.query<{ datistemplate: boolean }>('SELECT datistemplate FROM pg_database WHERE datname = $1', [templateName]);
  // IS_TEMPLATE is set only once the migrations have applied, so it marks a complete template.
  if (existing.rows[0]?.datistemplate) return;
  // Present but unmarked: a builder died half-way (we hold the lock, so none is running).
  if (existing.rows[0]) await dropDatabase(client, templateName);
  await client.query(`CREATE DATABASE ${quoteIdentifier(templateName)}`);
  try {
    await applyMigrations({ databaseUrl: withDatabaseName(baseUrl, templateName), migrationsDir });
  } catch (error) {
    await dropDatabase(client, templateName).catch(() => {});
    throw new Error(`building test template ${templateName} from ${migrationsDir} failed: ${(error as Error).message}`, { cause: error });
  }
  await client.query(`ALTER DATABASE ${quoteIdentifier(templateName)} WITH IS_TEMPLATE true`);
}

async function cloneTemplate(client: pg.Client, templateName: string, name: string): Promise<void> {
  // Copying fails while anyone is connected to the template; right after a build the migration
  // engine's connection may still be closing on the server side, so retry briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(templateName)}`);
      return;
    } catch (error) {
      if (!isPgError(error, '55006') || attempt >= 50) {
        if (isPgError(error, '55006')) {
          throw new Error(`cannot copy ${templateName}: a session stays connected to it (close it, or drop the template to rebuild it)`, { cause: error });
        }
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Drops test databases whose name says they were created more than an hour ago. */
async function dropStaleTestDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'modelgate\\_test\\_%'");
  const staleBefore = Date.now() - STALE_AFTER_MS;
  for (const { datname } of rows) {
    const createdAt = Number.parseInt(datname.slice(TEST_DATABASE_PREFIX.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(createdAt) && createdAt < staleBefore) {
      // Best effort: another process may be dropping the same leftover.
      await dropDatabase(client, datname).catch(() => {});
    }
  }
}
