import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { DiffTarget } from '@prisma/schema-engine-wasm';

import { withClient } from '../postgres/connection.js';
import { DEFAULT_DATABASE_URL, MAINTENANCE_DATABASE, redactDatabaseUrl, withDatabaseName } from '../postgres/database-url.js';
import {
  MIGRATION_FILE,
  MIGRATION_LOCK_CONTENT,
  defaultMigrationsDir,
  defaultSchemaPath,
  ensureMigrationLock,
  readMigrationsList,
} from './migrations-directory.js';
import { withSchemaEngine } from './schema-engine.js';

export interface DiffMigrationOptions {
  /** What the migration does, in snake_case (`add_endpoint_tags`); becomes `<timestamp>_<name>`. */
  name: string;
  migrationsDir?: string;
  /** The schema to migrate to; defaults to the repository's prisma/schema.prisma. */
  schemaPath?: string;
  /**
   * Any database on the PostgreSQL server that will host the shadow database the existing
   * migrations are replayed into (only the server matters: the connection goes to its `postgres`
   * database). Defaults to DATABASE_URL, then the local server.
   */
  databaseUrl?: string;
  /** When the migration is created; its UTC time names the directory. */
  now?: Date;
  /** Where progress lines go; console.log unless given. */
  log?: (line: string) => void;
}

export type DiffMigrationResult =
  | { created: false }
  | { created: true; migrationName: string; migrationPath: string; sql: string };

const MIGRATION_NAME_PATTERN = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/** `yyyyMMddHHmmss` in UTC, the prefix `prisma migrate dev` gives migration directories. */
export function migrationTimestamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` with the SQL that takes a database
 * from the state the existing migrations produce to the one the Prisma schema describes, and
 * writes `migration_lock.toml` if it is missing. When there is no difference it prints
 * "no changes" and writes nothing.
 *
 * The state of the existing migrations is obtained the way `prisma migrate dev` does: by
 * replaying them into a temporary shadow database (created and dropped on the server of
 * `databaseUrl`), so hand edits to migration.sql files are taken into account.
 */
export async function diffMigration(options: DiffMigrationOptions): Promise<DiffMigrationResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!MIGRATION_NAME_PATTERN.test(options.name)) {
    throw new Error(`migration name ${JSON.stringify(options.name)} must be snake_case letters and digits, such as add_endpoint_tags`);
  }
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const schemaPath = options.schemaPath ?? defaultSchemaPath();
  const schema = await readFile(schemaPath, 'utf8');
  // The engine refuses to read a migrations directory without a lock file; an unwritten one
  // stands in so that "no changes" can still write nothing.
  const migrationsList = await readMigrationsList(migrationsDir, { missingIsEmpty: true, lockfileFallback: MIGRATION_LOCK_CONTENT });
  const lastMigration = migrationsList.migrationDirectories.at(-1)?.path;

  const givenUrl = options.databaseUrl ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const serverUrl = withDatabaseName(givenUrl, MAINTENANCE_DATABASE);
  await withClient(serverUrl, async () => {}, `server of ${redactDatabaseUrl(givenUrl)}, to host a shadow database for the diff`);
  // With no migrations yet the starting point is an empty database and no shadow is needed.
  const from: DiffTarget = lastMigration === undefined ? { tag: 'empty' } : { tag: 'migrations', ...migrationsList };
  const { exitCode, stdout } = await withSchemaEngine({ databaseUrl: serverUrl, schemaFiles: [{ path: schemaPath, content: schema }] }, (engine) =>
    engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      // Asks the engine to say whether there is a difference (exit code 2) instead of us guessing
      // from the script, which is a comment when empty.
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    }),
  );
  if (exitCode !== 2 || !stdout) {
    log(`no changes: ${schemaPath} matches the migrations in ${migrationsDir}`);
    return { created: false };
  }

  const migrationName = `${migrationTimestamp(options.now ?? new Date())}_${options.name}`;
  if (lastMigration !== undefined && migrationName <= lastMigration) {
    // Migrations apply in name order; this one would run before one it was computed after.
    throw new Error(`migration ${migrationName} would sort before the existing ${lastMigration}; check the clock or wait a second and retry`);
  }
  const migrationPath = join(migrationsDir, migrationName, MIGRATION_FILE);
  await mkdir(migrationsDir, { recursive: true });
  await mkdir(join(migrationsDir, migrationName));
  await ensureMigrationLock(migrationsDir);
  await writeFile(migrationPath, stdout, { flag: 'wx' });
  log(`created ${migrationPath}`);
  return { created: true, migrationName, migrationPath, sql: stdout };
}
