import { withClient } from '../postgres/connection.js';
import { defaultMigrationsDir, readMigrationsList } from './migrations-directory.js';
import { withSchemaEngine } from './schema-engine.js';

export interface ApplyMigrationsOptions {
  /** The database to migrate; it must exist (see ensureDatabase). */
  databaseUrl: string;
  /** Defaults to the repository's prisma/migrations, or MODELGATE_MIGRATIONS_DIR. */
  migrationsDir?: string;
}

/**
 * Applies the migrations not yet applied, in name order, recording each in `_prisma_migrations`
 * exactly as `prisma migrate deploy` does (same table, checksums and advisory lock), so either tool
 * can take over from the other. Returns the names applied; empty when the database is up to date.
 *
 * Like `prisma migrate deploy`, it refuses to run while an earlier migration is recorded as failed
 * ("migrate found failed migrations in the target database"): fix that one first. A failing
 * migration leaves none of its statements behind (the script runs as one implicit transaction).
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<string[]> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const migrationsList = await readMigrationsList(migrationsDir);
  // Connect once ourselves first: a refused connection then fails with the URL and a hint,
  // rather than as an engine error about a driver adapter.
  await withClient(options.databaseUrl, async () => {});
  const { appliedMigrationNames } = await withSchemaEngine({ databaseUrl: options.databaseUrl }, (engine) =>
    engine.applyMigrations({ migrationsList, filters: { externalTables: [], externalEnums: [] } }),
  );
  return appliedMigrationNames;
}
