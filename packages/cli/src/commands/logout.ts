import { ModelgateApiError, ModelgateClient, ModelgateUnreachableError } from '@modelgate/sdk';
import { warn } from '../auth/api-access.js';
import type { CliContext } from '../cli-context.js';
import { readConfigFile, removeConfigFile, type StoredCredentials } from '../config/config-file.js';

export interface LogoutOptions {
  /** Forget the token here but leave it valid (it is used elsewhere too). */
  keepToken?: boolean;
}

/** What happened to the token on the server: the message after "signed out". */
async function revokeStoredToken(stored: StoredCredentials, context: CliContext): Promise<string> {
  const client = new ModelgateClient({ apiUrl: stored.apiUrl, token: stored.token });
  try {
    const tokenId = stored.tokenId ?? (await client.listPersonalTokens()).items.find((token) => stored.token.startsWith(`${token.prefix}_`))?.id;
    if (tokenId === undefined) {
      warn(context, `the API does not list the token ${stored.prefix} among yours, so it was not revoked: check the dashboard`);
      return `token ${stored.prefix} not revoked`;
    }
    await client.revokePersonalToken(tokenId);
    return `token ${stored.prefix} revoked`;
  } catch (error) {
    // A token the API refuses is already unusable: nothing is left to revoke.
    if (error instanceof ModelgateApiError && error.status === 401) return `token ${stored.prefix} had already expired or been revoked`;
    const why = error instanceof ModelgateUnreachableError ? `${stored.apiUrl} is not answering (${error.reason})` : (error as Error).message;
    warn(context, `could not revoke the token ${stored.prefix}: ${why}. It still works until it expires: revoke it in the dashboard`);
    return `token ${stored.prefix} not revoked`;
  }
}

/**
 * `modelgate logout`: revokes the saved personal token (unless --keep-token) and deletes the config
 * file. The file goes even when the API cannot be reached: signing out here must always work, and
 * the warning says the token is still valid. An API key is only forgotten, never revoked: it
 * belongs to an application, and revoking it takes an admin.
 */
export async function logout(options: LogoutOptions, context: CliContext): Promise<void> {
  let stored: StoredCredentials | undefined;
  try {
    stored = await readConfigFile(context.configPath, (message) => warn(context, message));
  } catch {
    // Unreadable or not ours: removing it is the way out, and there is no token to revoke from it.
    stored = undefined;
  }
  let outcome = '';
  if (stored?.kind === 'personal_token') outcome = options.keepToken ? `token ${stored.prefix} left valid (--keep-token)` : await revokeStoredToken(stored, context);
  else if (stored?.kind === 'api_key') outcome = `API key ${stored.prefix} forgotten here, still valid (revoke it with \`modelgate api-keys revoke ${stored.prefix}\`)`;

  const removed = await removeConfigFile(context.configPath);
  if (!removed) context.stdout.write(`not signed in: there is no ${context.configPath}\n`);
  else if (stored) context.stdout.write(`signed out of ${stored.apiUrl}: ${outcome}; removed ${context.configPath}\n`);
  else context.stdout.write(`removed ${context.configPath}\n`);
  if (context.env.MODELGATE_TOKEN?.trim()) warn(context, 'MODELGATE_TOKEN is still set: commands keep sending that token until you unset it');
}
