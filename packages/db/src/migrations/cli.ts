#!/usr/bin/env node
// node dist/migrations/cli.js apply        apply pending migrations to DATABASE_URL (creating the database)
// node dist/migrations/cli.js diff <name>  write prisma/migrations/<timestamp>_<name>/migration.sql
import { DEFAULT_DATABASE_URL, redactDatabaseUrl } from '../postgres/database-url.js';
import { ensureDatabase } from '../postgres/databases.js';
import { applyMigrations } from './apply.js';
import { diffMigration } from './diff.js';
import { defaultMigrationsDir } from './migrations-directory.js';

const USAGE = `usage:
  cli.js apply         apply pending migrations to DATABASE_URL (default ${DEFAULT_DATABASE_URL}), creating the database if needed
  cli.js diff <name>   write a migration from the last migration to prisma/schema.prisma
migrations directory: MODELGATE_MIGRATIONS_DIR, default ${defaultMigrationsDir()}`;

async function apply(databaseUrl: string): Promise<void> {
  const migrationsDir = defaultMigrationsDir();
  if (await ensureDatabase(databaseUrl)) console.log(`created database ${redactDatabaseUrl(databaseUrl)}`);
  const applied = await applyMigrations({ databaseUrl, migrationsDir });
  if (applied.length === 0) {
    console.log(`${redactDatabaseUrl(databaseUrl)} is up to date with ${migrationsDir}`);
  } else {
    for (const name of applied) console.log(`applied ${name}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (command === 'apply' && rest.length === 0) {
    await apply(databaseUrl);
    return 0;
  }
  if (command === 'diff' && rest.length === 1 && rest[0]) {
    await diffMigration({ name: rest[0], databaseUrl });
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Our errors and the engine's say what went wrong in their message (the engine's include its
    // own trace); a JS stack would only point into this file. MODELGATE_DEBUG shows it anyway.
    if (error instanceof Error && !process.env.MODELGATE_DEBUG) console.error(`error: ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  },
);
