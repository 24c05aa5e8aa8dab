import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../generated/prisma/client.js';

/** A pool of pg connections (the type, for packages that do not depend on `pg` themselves). */
export type PgPool = pg.Pool;

/** One process's PostgreSQL: Prisma and the pg pool it runs on, shared with what Prisma cannot do (COPY). */
export interface Database {
  db: PrismaClient;
  pool: PgPool;
  /** Disconnects Prisma, then ends the pool (Prisma does not end a pool it was given). */
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** Told about a connection that broke while idle in the pool (the pool drops it and goes on). */
  onPoolError?: (error: Error) => void;
}

/**
 * A Prisma client on PostgreSQL through the pg driver adapter (Prisma 7 has no built-in driver),
 * on a pool of its own (given a URL) or on `pool`. Call `$disconnect()` when done: a pool of its own
 * keeps the process alive; a pool given is left to its owner to end.
 */
export function createPrismaClient(databaseUrlOrPool: string | PgPool): PrismaClient {
  const adapter = typeof databaseUrlOrPool === 'string' ? new PrismaPg({ connectionString: databaseUrlOrPool }) : new PrismaPg(databaseUrlOrPool);
  return new PrismaClient({ adapter });
}

/**
 * ONE pool per process, for Prisma and for COPY: a second pool would double the connections a
 * process may hold, and neither would know about the other's.
 */
export function createDatabase(databaseUrl: string, options: CreateDatabaseOptions = {}): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  // A connection that breaks while idle is emitted on the pool: without a listener that would end
  // the process (Prisma's adapter listens only while it is connected).
  pool.on('error', (error) => options.onPoolError?.(error));
  const db = createPrismaClient(pool);
  let closed: Promise<void> | undefined;
  return {
    db,
    pool,
    close() {
      closed ??= (async () => {
        try {
          await db.$disconnect();
        } finally {
          await pool.end();
        }
      })();
      return closed;
    },
  };
}
