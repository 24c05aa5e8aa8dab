import type pg from 'pg';

import { withClient } from './connection.js';
import { MAINTENANCE_DATABASE, databaseNameOf, redactDatabaseUrl, withDatabaseName } from './database-url.js';

/** Quotes a name for use as an SQL identifier (database names cannot be bound as parameters). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return result.rowCount !== null && result.rowCount > 0;
}

/**
 * Creates the database named in `databaseUrl` unless it exists, connecting to the server's
 * `postgres` database to do so. Returns whether it created it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseNameOf(databaseUrl);
  return withClient(
    withDatabaseName(databaseUrl, MAINTENANCE_DATABASE),
    async (client) => {
      if (await databaseExists(client, name)) return false;
      try {
        await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
        return true;
      } catch (error) {
        // Another process created it between our check and our CREATE: that is what we wanted.
        if (isPgError(error, '42P04')) return false;
        throw error;
      }
    },
    `to create database "${name}" of ${redactDatabaseUrl(databaseUrl)}`,
  );
}

/**
 * Drops a database, first disconnecting whoever is still connected (WITH (FORCE), PostgreSQL 13+);
 * otherwise a pool that has not closed yet would make the drop fail.
 */
export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
}

export function isPgError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
