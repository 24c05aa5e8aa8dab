import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CliError } from '../cli-error.js';

/** What `modelgate login` saves: one sign-in, for one API. */
const StoredCredentials = z.object({
  apiUrl: z.string(),
  /** The whole secret: the only copy the CLI has. Never printed. */
  token: z.string(),
  /** Its id in the API, to revoke it on logout; null when it could not be found out. */
  tokenId: z.string().nullable(),
  /** The visible start (`mgp_3fA9xQ2p`): what messages show instead of the token. */
  prefix: z.string(),
  kind: z.enum(['personal_token', 'api_key']),
  /** The user a personal token acts as; null for an API key. */
  email: z.string().nullable(),
  /**
   * True when `modelgate login` made the token from a password: nothing else knows its secret, so
   * logging in again revokes it. A token pasted with `--token` may be in use elsewhere too.
   */
  issuedByCli: z.boolean(),
});
export type StoredCredentials = z.infer<typeof StoredCredentials>;

/** Owner read and write only: the file holds a bearer token. */
export const CONFIG_FILE_MODE = 0o600;
/** The directory is created owner-only too, so no one else can even list it. */
export const CONFIG_DIRECTORY_MODE = 0o700;

function parseStoredCredentials(filePath: string, text: string): StoredCredentials {
  const unreadable = (why: string) =>
    new CliError(`the Modelgate config file ${filePath} ${why}: delete it (or run \`modelgate logout\`) and run \`modelgate login\` again`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unreadable(`is not valid JSON (${(error as Error).message})`);
  }
  const result = StoredCredentials.safeParse(parsed);
  if (!result.success) throw unreadable('is not one `modelgate login` wrote (a field is missing or has the wrong type)');
  return result.data;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * A config file others may read is fixed rather than only reported: the token's exposure should
 * end as soon as the CLI sees it. The warning says so, since whoever read it may have the token.
 */
async function tightenLoosePermissions(filePath: string, warn: (message: string) => void): Promise<void> {
  const { mode } = await stat(filePath);
  if ((mode & 0o077) === 0) return;
  try {
    await chmod(filePath, CONFIG_FILE_MODE);
    warn(
      `${filePath} could be read by other users (mode ${octal(mode)}); it is now ${octal(CONFIG_FILE_MODE)}. ` +
        'If someone else may have read it, replace the token: `modelgate logout && modelgate login`',
    );
  } catch (error) {
    warn(`${filePath} can be read by other users (mode ${octal(mode)}) and could not be changed (${(error as Error).message}): run \`chmod 600 ${filePath}\``);
  }
}

/** The saved sign-in, or undefined when there is none (no file). */
export async function readConfigFile(filePath: string, warn: (message: string) => void): Promise<StoredCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the Modelgate config file ${filePath}: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  await tightenLoosePermissions(filePath, warn);
  return parseStoredCredentials(filePath, text);
}

/**
 * Replaces the config file atomically: the content goes to a temporary file in the same
 * directory, created 0600 from the start (never briefly readable by others), flushed to disk, then
 * renamed over the old file. A crash or a concurrent `modelgate login` leaves either the old or the
 * new file whole, never a mix; a reader never sees a half-written token.
 */
export async function writeConfigFile(filePath: string, credentials: StoredCredentials): Promise<void> {
  const directory = path.dirname(filePath);
  try {
    // Only directories created here get 0700: an existing one (a shared folder named by
    // MODELGATE_CONFIG, say) is not ours to change.
    await mkdir(directory, { recursive: true, mode: CONFIG_DIRECTORY_MODE });
  } catch (error) {
    throw new CliError(`cannot create the directory ${directory} for the Modelgate config file: ${(error as Error).message}`);
  }
  const temporary = path.join(directory, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': fails rather than follow a symlink or reuse a file someone planted under that name.
    const handle = await open(temporary, 'wx', CONFIG_FILE_MODE);
    try {
      // A umask can only take permissions away; this makes it exactly 0600 whatever the umask.
      await handle.chmod(CONFIG_FILE_MODE);
      await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`cannot write the Modelgate config file ${filePath}: ${(error as Error).message}`);
  }
}

/** Removes the config file; true when there was one. */
export async function removeConfigFile(filePath: string): Promise<boolean> {
  try {
    await rm(filePath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CliError(`cannot remove the Modelgate config file ${filePath}: ${(error as Error).message}`);
  }
}
