import { Email, Password } from '@modelgate/contracts';
import { assertCanPrompt, promptLine, readPipedSecret } from '../auth/terminal-input.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { describeDatabaseFailure } from '../users/database-failure.js';

export interface CreateAdminOptions {
  email: string;
  name?: string;
  passwordStdin?: boolean;
  resetPassword?: boolean;
}

const SCRIPTED = "in scripts, pipe it: `printf '%s' \"$PASSWORD\" | modelgate users create-admin --email admin@example.com --password-stdin`";

/** The first problem zod found, as one sentence (the schemas' messages are written for people). */
function firstIssue(result: { success: false; error: { issues: { message: string }[] } }): string {
  return result.error.issues[0]?.message ?? 'invalid';
}

async function choosePassword(options: CreateAdminOptions, context: CliContext): Promise<string> {
  if (options.passwordStdin) return readPipedSecret(context.stdin, 'password', '--password-stdin');
  assertCanPrompt(context.stdin, 'password', SCRIPTED);
  const password = await promptLine(`password for ${options.email} (at least 12 characters): `, context, { hidden: true });
  const checked = Password.safeParse(password);
  if (!checked.success) throw new CliError(firstIssue(checked));
  // Typed blind, so typed twice: a typo here would lock the only admin out.
  if ((await promptLine('the same password again: ', context, { hidden: true })) !== password) throw new CliError('the two passwords differ: nothing was changed');
  return password;
}

/**
 * `modelgate users create-admin`: the first admin (or a way back in), written straight to
 * PostgreSQL, since no one can sign in to the API to create one. Needs DATABASE_URL, the
 * database the API uses.
 */
export async function createAdminUser(options: CreateAdminOptions, context: CliContext): Promise<void> {
  const databaseUrl = context.env.DATABASE_URL;
  if (!databaseUrl) {
    throw new CliError(
      'users create-admin writes to the database directly and needs DATABASE_URL: set it to the database the API uses, e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/modelgate',
    );
  }
  const email = Email.safeParse(options.email);
  if (!email.success) throw new CliError(`--email: expected ${firstIssue(email)}`);
  const password = await choosePassword(options, context);
  const checked = Password.safeParse(password);
  if (!checked.success) throw new CliError(firstIssue(checked));

  // Loaded here only: Prisma and argon2 (a native module) would slow every other command down.
  const { createAdmin, createPrismaClient, redactDatabaseUrl } = await import('@modelgate/db');
  const db = createPrismaClient(databaseUrl);
  let result: Awaited<ReturnType<typeof createAdmin>>;
  try {
    result = await createAdmin(db, { email: email.data, password, name: options.name, resetPassword: options.resetPassword === true });
  } catch (error) {
    throw new CliError(describeDatabaseFailure(error, redactDatabaseUrl(databaseUrl)), { cause: error });
  } finally {
    await db.$disconnect();
  }
  switch (result) {
    case 'created':
      context.stdout.write(`admin ${email.data} created: sign in with \`modelgate login --email ${email.data}\`\n`);
      return;
    case 'password-reset':
      context.stdout.write(`${email.data} has a new password and is an admin (and enabled) again\n`);
      return;
    case 'exists':
      throw new CliError(`a user ${email.data} already exists and was left unchanged: add --reset-password to give them a new password and make them an admin`);
  }
}
