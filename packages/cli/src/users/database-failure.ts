/** What Prisma's pg adapter reports under `meta.driverAdapterError.cause`. */
interface DriverFailure {
  kind?: string;
  /** PostgreSQL's SQLSTATE, e.g. 28P01. */
  originalCode?: string;
  originalMessage?: string;
}

interface PrismaLikeError {
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: DriverFailure } };
}

/** Prisma's message starts with "Invalid `prisma.user.findUnique()` invocation:"; the last line is the news. */
function lastLine(message: string): string {
  return message.trim().split('\n').filter((line) => line.trim()).at(-1)?.trim() ?? message;
}

/**
 * A database failure of `users create-admin`, said so the reader knows what to fix. Prisma codes
 * (P1001…) and the adapter's kinds and SQLSTATEs are all checked: which one is set depends on where
 * the failure happened (connecting, authenticating, querying).
 */
export function describeDatabaseFailure(error: unknown, databaseUrl: string): string {
  const failure = error as PrismaLikeError;
  const driver = failure.meta?.driverAdapterError?.cause ?? {};
  const signals = new Set([failure.code, driver.kind, driver.originalCode].filter((signal): signal is string => typeof signal === 'string'));
  const has = (...wanted: string[]) => wanted.some((signal) => signals.has(signal));
  const reason = driver.originalMessage ?? (typeof failure.message === 'string' ? lastLine(failure.message) : String(error));

  if (has('P1001', 'DatabaseNotReachable', 'ECONNREFUSED', 'ENOTFOUND')) {
    return `PostgreSQL at ${databaseUrl} is not answering (${reason}): is it running? (\`docker compose up -d postgres\`)`;
  }
  if (has('P1000', 'P1010', 'DatabaseAccessDenied', 'AuthenticationFailed', '28P01', '28000')) {
    return `PostgreSQL at ${databaseUrl} refused the user or password in DATABASE_URL (${reason})`;
  }
  if (has('P1003', 'DatabaseDoesNotExist', '3D000')) {
    return `the database in ${databaseUrl} does not exist: run \`npm run db:migrate\` (with this DATABASE_URL), which creates and migrates it`;
  }
  if (has('P2021', 'TableDoesNotExist', '42P01')) return `the database at ${databaseUrl} has no users table yet: run \`npm run db:migrate\` (with this DATABASE_URL) first`;
  return `could not write the admin to ${databaseUrl}: ${reason}`;
}
