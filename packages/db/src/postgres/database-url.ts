// PostgreSQL connection URLs: which database they name, the same server with another database,
// and a form safe to print.

function parse(databaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(`not a PostgreSQL URL: ${JSON.stringify(redactDatabaseUrl(databaseUrl))} (expected postgresql://user@host:5432/database)`);
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`not a PostgreSQL URL: ${redactDatabaseUrl(databaseUrl)} (expected the postgresql:// scheme)`);
  }
  return url;
}

/** The database a URL names (`modelgate` in `postgresql://postgres@127.0.0.1:5432/modelgate`). */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(parse(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) {
    throw new Error(`${redactDatabaseUrl(databaseUrl)} names no database (expected postgresql://user@host:5432/database)`);
  }
  return name;
}

/** The same server, user and options, with another database. */
export function withDatabaseName(databaseUrl: string, databaseName: string): string {
  const url = parse(databaseUrl);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

/** The URL with its password replaced, for messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // Not parseable: hide everything between "://" and "@", where a password would be.
    return databaseUrl.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** The application's database when DATABASE_URL is not set: the local development server. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/modelgate';

/** The database administrative connections use (always present on a PostgreSQL server). */
export const MAINTENANCE_DATABASE = 'postgres';
