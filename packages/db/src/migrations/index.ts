// Migrations without Prisma's native schema engine: applied and generated with the WebAssembly
// schema engine, recorded in the standard `_prisma_migrations` table.
export { applyMigrations, type ApplyMigrationsOptions } from './apply.js';
export { diffMigration, migrationTimestamp, type DiffMigrationOptions, type DiffMigrationResult } from './diff.js';
export {
  MIGRATION_LOCK_CONTENT,
  defaultMigrationsDir,
  defaultSchemaPath,
  ensureMigrationLock,
  listMigrationNames,
} from './migrations-directory.js';
export { schemaEngineVersion } from './schema-engine.js';
export { ensureDatabase } from '../postgres/databases.js';
export { DatabaseConnectionError } from '../postgres/connection.js';
export { DEFAULT_DATABASE_URL, redactDatabaseUrl } from '../postgres/database-url.js';
