// The driver adapter the WebAssembly schema engine talks to PostgreSQL through.
//
// It is @prisma/adapter-pg (`PrismaPg`) with three corrections that migrations need and that
// adapter-pg 7.10.1 gets wrong when used by the schema engine rather than by the query client:
//
// 1. Scripts run whole. adapter-pg's `executeScript` splits the script on every ";" and runs the
//    pieces one by one, so a migration with a ";" inside a string literal or a function body
//    fails ("unterminated quoted string"), and a migration failing half-way leaves the first
//    pieces applied. We send the whole script as one simple-protocol query, as the native engine
//    does: PostgreSQL then runs it as one implicit transaction.
// 2. The shadow database is really used. adapter-pg's `connectToShadowDb` creates a database and
//    then connects with `{ connectionString, database }`, where pg lets the connection string win:
//    the "shadow" connection is the main database, and replaying migrations there changes it.
//    Its cleanup also drops the database before closing the pool connected to it. We create,
//    connect to and drop the shadow database ourselves.
// 3. PostgreSQL's one-byte `"char"` type (OID 18) is readable. The engine's catalog queries return
//    it (pg_constraint.contype, ...) and adapter-pg rejects it ("Column type 'char' could not be
//    deserialized"), which makes every command that reads a schema from a database fail: a diff
//    from the migrations directory, introspection, schema push. pg already returns such values
//    as strings, so we relabel the column as text before adapter-pg looks at its type.
//
// Each adapter uses a pool of one connection: the engine serialises concurrent migrators with
// session advisory locks (pg_advisory_lock(72707369), the key `prisma migrate deploy` uses too),
// which only mean something if every statement runs on the session that took the lock.
import { randomUUID } from 'node:crypto';

import { PrismaPg } from '@prisma/adapter-pg';
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';

import { withClient } from '../postgres/connection.js';
import { withDatabaseName } from '../postgres/database-url.js';
import { dropDatabase, quoteIdentifier } from '../postgres/databases.js';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function relabelCharColumnsAsText<R>(result: R): R {
  for (const single of Array.isArray(result) ? result : [result]) {
    const fields = (single as Partial<pg.QueryResult> | undefined)?.fields;
    for (const field of fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

/** pg.Client whose results describe `"char"` columns as text (correction 3 above). */
class CharAsTextClient extends pg.Client {
  // pg.Client.query has a dozen overloads (callback or promise, text or config); adapter-pg uses
  // both the callback form (through Pool.query) and the promise form (in transactions).
  override query(...args: unknown[]): any {
    const query = super.query as (...queryArgs: unknown[]) => unknown;
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as (error: Error | null, result: unknown) => void;
      args[args.length - 1] = (error: Error | null, result: unknown) => callback(error, error ? result : relabelCharColumnsAsText(result));
      return query.apply(this, args);
    }
    const returned = query.apply(this, args);
    return returned instanceof Promise ? returned.then(relabelCharColumnsAsText) : returned;
  }
}

function openPrismaPg(databaseUrl: string): PrismaPg {
  return new PrismaPg({ connectionString: databaseUrl, max: 1, Client: CharAsTextClient });
}

/** An adapter-pg connection with whole-script execution and an extra cleanup step on dispose. */
class MigrationSqlAdapter implements SqlDriverAdapter {
  readonly provider;
  readonly adapterName;
  #disposed: Promise<void> | undefined;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly afterDispose: () => Promise<void> = async () => {},
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    // No arguments, so pg uses the simple query protocol, which accepts several statements
    // (correction 1 above). Going through executeRaw keeps adapter-pg's error mapping.
    await this.inner.executeRaw({ sql: script, args: [], argTypes: [] });
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  dispose(): Promise<void> {
    // Both the engine and MigrationAdapterFactory.close() may dispose the same adapter.
    this.#disposed ??= this.inner.dispose().finally(this.afterDispose);
    return this.#disposed;
  }
}

export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;
  readonly #opened = new Set<MigrationSqlAdapter>();

  constructor(readonly databaseUrl: string) {
    this.adapterName = openPrismaPg(databaseUrl).adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.#track(new MigrationSqlAdapter(await openPrismaPg(this.databaseUrl).connect()));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    // Same naming as Prisma's, so a leftover is recognisable as a shadow database.
    const shadowName = `prisma_migrate_shadow_db_${randomUUID()}`;
    await withClient(this.databaseUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(shadowName)}`));
    const dropShadow = () => withClient(this.databaseUrl, (client) => dropDatabase(client, shadowName));
    let inner: SqlDriverAdapter;
    try {
      inner = await openPrismaPg(withDatabaseName(this.databaseUrl, shadowName)).connect();
    } catch (error) {
      await dropShadow().catch(() => {});
      throw error;
    }
    // Dropped only after its pool has closed (MigrationSqlAdapter.dispose disposes inner first).
    return this.#track(new MigrationSqlAdapter(inner, dropShadow));
  }

  /** Disposes every adapter handed out: closes their pools and drops shadow databases. */
  async close(): Promise<void> {
    const opened = [...this.#opened];
    this.#opened.clear();
    const results = await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  #track(adapter: MigrationSqlAdapter): MigrationSqlAdapter {
    this.#opened.add(adapter);
    return adapter;
  }
}
