import pg from 'pg';

import { databaseNameOf, redactDatabaseUrl } from './database-url.js';

// Error codes of the network layer that mean "nothing answered at that address".
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** PostgreSQL could not be reached, or refused the connection, at the URL it names. */
export class DatabaseConnectionError extends Error {
  override readonly name = 'DatabaseConnectionError';
  constructor(
    message: string,
    readonly databaseUrl: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  if (error instanceof AggregateError) return error.errors.map(codeOf).find(Boolean);
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns a failure to connect into an error that says which URL was tried and what to do about it.
 */
export function explainConnectionFailure(databaseUrl: string, error: unknown, purpose?: string): DatabaseConnectionError {
  const shown = purpose ? `${redactDatabaseUrl(databaseUrl)} (${purpose})` : redactDatabaseUrl(databaseUrl);
  const code = codeOf(error);
  const detail = messageOf(error);
  let message: string;
  if (code && UNREACHABLE_CODES.has(code)) {
    message = `PostgreSQL did not answer at ${shown} (${detail}). Is the server running? Set DATABASE_URL to point elsewhere.`;
  } else if (code === '3D000') {
    message = `database "${databaseNameOf(databaseUrl)}" does not exist on the server of ${shown}. Create it first (ensureDatabase(), or \`pnpm db:migrate\`, which creates it).`;
  } else if (code === '28P01' || code === '28000') {
    message = `PostgreSQL at ${shown} refused the credentials (${detail}). Check the user and password in the URL.`;
  } else {
    message = `could not connect to PostgreSQL at ${shown}: ${detail}`;
  }
  return new DatabaseConnectionError(message, databaseUrl, { cause: error });
}

/**
 * Opens a single connection, failing with a message that names the URL, and why we connect there
 * when that is not obvious (such as the `postgres` database of the server of the URL given).
 */
export async function connectClient(databaseUrl: string, purpose?: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  // A server that goes away later emits 'error' on the client; without a listener that would
  // crash the process instead of failing the pending query.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw explainConnectionFailure(databaseUrl, error, purpose);
  }
  return client;
}

/** Runs `work` with a connection that is closed afterwards, whatever happens. */
export async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>, purpose?: string): Promise<T> {
  const client = await connectClient(databaseUrl, purpose);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
