import os from 'node:os';
import type { ApiKey, WhoAmI } from '@modelgate/contracts';
import { ModelgateApiError, ModelgateClient, checkToken, tokenPrefix } from '@modelgate/sdk';
import { issuePersonalToken } from '@modelgate/sdk/node';
import { chooseApiAccess, warn } from '../auth/api-access.js';
import { assertCanPrompt, promptLine, readPipedSecret } from '../auth/terminal-input.js';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { readConfigFile, writeConfigFile, type StoredCredentials } from '../config/config-file.js';
import { describeSignedIn } from '../views/auth-views.js';

export interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
  token?: string;
  tokenStdin?: boolean;
  /** ISO date-time, already checked (parseExpiry): when the personal token made from the password stops working. */
  expires?: string;
}

const SCRIPTED_LOGIN = "in scripts, pipe the password: `printf '%s' \"$PASSWORD\" | modelgate login --email you@example.com --password-stdin`, or store a token made in the dashboard with `modelgate login --token-stdin`";

/** "modelgate CLI on ada-laptop": the name the dashboard lists the token under, to tell machines apart. */
export function cliTokenName(hostname: string = os.hostname()): string {
  return `modelgate CLI on ${hostname || 'an unnamed host'}`;
}

async function askEmail(options: LoginOptions, context: CliContext): Promise<string> {
  if (options.email !== undefined) return options.email.trim();
  if (options.passwordStdin) throw new CliError('--password-stdin needs --email <address>: stdin carries the password, so the email cannot be asked for');
  assertCanPrompt(context.stdin, 'email', SCRIPTED_LOGIN);
  const email = (await promptLine('email: ', context)).trim();
  if (!email) throw new CliError('no email given');
  return email;
}

async function askPassword(options: LoginOptions, context: CliContext): Promise<string> {
  if (options.passwordStdin) return readPipedSecret(context.stdin, 'password', '--password-stdin');
  assertCanPrompt(context.stdin, 'password', SCRIPTED_LOGIN);
  const password = await promptLine('password: ', context, { hidden: true });
  if (!password) throw new CliError('no password given');
  return password;
}

/**
 * A pasted personal token among the caller's tokens (the API lists prefixes, never secrets; a
 * prefix is the secret's start), for its id (logout revokes by id) and prefix.
 */
async function findPersonalToken(client: ModelgateClient, secret: string): Promise<ApiKey | undefined> {
  const { items } = await client.listPersonalTokens();
  return items.find((token) => secret.startsWith(`${token.prefix}_`));
}

/**
 * The token a new login replaces is revoked when the CLI made it: its secret is about to be
 * overwritten, so nothing could use it any more, and it should not linger as a valid credential.
 */
async function revokeReplacedToken(previous: StoredCredentials | undefined, replacement: StoredCredentials, context: CliContext): Promise<void> {
  if (!previous || !previous.issuedByCli || previous.kind !== 'personal_token' || previous.tokenId === null) return;
  if (previous.token === replacement.token) return;
  try {
    await new ModelgateClient({ apiUrl: previous.apiUrl, token: previous.token }).revokePersonalToken(previous.tokenId);
    context.stderr.write(`revoked the token this login replaced (${previous.prefix})\n`);
  } catch (error) {
    // Already expired or revoked (401) is what was wanted; anything else is worth knowing.
    if (error instanceof ModelgateApiError && error.status === 401) return;
    warn(context, `could not revoke the token this login replaced (${previous.prefix}): ${(error as Error).message}. Revoke it in the dashboard if it is still listed`);
  }
}

function checkedToken(secret: string): string {
  try {
    return checkToken(secret);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

async function storedFromPassword(apiUrl: string, options: LoginOptions, context: CliContext): Promise<{ stored: StoredCredentials; whoAmI: WhoAmI }> {
  const email = await askEmail(options, context);
  const password = await askPassword(options, context);
  const created = await issuePersonalToken({ apiUrl, email, password, tokenName: cliTokenName(), expiresAt: options.expires });
  // Also proves the new token works before it replaces a saved one.
  const whoAmI = await new ModelgateClient({ apiUrl, token: created.secret }).me();
  const stored: StoredCredentials = {
    apiUrl,
    token: created.secret,
    tokenId: created.id,
    prefix: created.prefix,
    kind: 'personal_token',
    email: whoAmI.kind === 'user' ? whoAmI.user.email : email,
    issuedByCli: true,
  };
  return { stored, whoAmI };
}

async function storedFromToken(apiUrl: string, options: LoginOptions, context: CliContext): Promise<{ stored: StoredCredentials; whoAmI: WhoAmI }> {
  const secret = checkedToken(options.tokenStdin ? await readPipedSecret(context.stdin, 'token', '--token-stdin') : (options.token ?? '').trim());
  const client = new ModelgateClient({ apiUrl, token: secret });
  let whoAmI: WhoAmI;
  try {
    whoAmI = await client.me();
  } catch (error) {
    if (error instanceof ModelgateApiError && error.status === 401) {
      throw new CliError(`${apiUrl} refused that token: ${error.problem.detail}. Nothing was saved`);
    }
    throw error;
  }
  if (whoAmI.kind === 'api_key') {
    const { apiKey } = whoAmI;
    return { stored: { apiUrl, token: secret, tokenId: apiKey.id, prefix: apiKey.prefix, kind: 'api_key', email: null, issuedByCli: false }, whoAmI };
  }
  const found = await findPersonalToken(client, secret);
  // Never a slice of an unrecognised secret: that would print part of it.
  const prefix = found?.prefix ?? tokenPrefix(secret) ?? 'a token of unknown shape';
  return { stored: { apiUrl, token: secret, tokenId: found?.id ?? null, prefix, kind: 'personal_token', email: whoAmI.user.email, issuedByCli: false }, whoAmI };
}

/** The sign-in this login replaces. An unreadable file is replaced, not a reason to refuse: logging in is the way out. */
async function readPreviousSignIn(context: CliContext): Promise<StoredCredentials | undefined> {
  try {
    return await readConfigFile(context.configPath, (message) => warn(context, message));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    warn(context, `replacing ${context.configPath}, which could not be used (${error.message})`);
    return undefined;
  }
}

/** `modelgate login`: a personal token from email + password, or a token made in the dashboard. */
export async function login(options: LoginOptions, globals: GlobalOptions, context: CliContext): Promise<void> {
  const previous = await readPreviousSignIn(context);
  const { apiUrl } = chooseApiAccess(globals.apiUrl, context.env, previous, context.configPath);
  // Commander refuses --token with --email, --password-stdin or --expires (see program.ts).
  const usesToken = options.token !== undefined || options.tokenStdin === true;
  const { stored, whoAmI } = usesToken ? await storedFromToken(apiUrl, options, context) : await storedFromPassword(apiUrl, options, context);

  await writeConfigFile(context.configPath, stored);
  await revokeReplacedToken(previous, stored, context);
  if (context.env.MODELGATE_TOKEN?.trim()) {
    warn(context, 'MODELGATE_TOKEN is set, and commands use it before the saved token: unset it to use this sign-in');
  }
  if (globals.json) printJson(context, { apiUrl, configPath: context.configPath, prefix: stored.prefix, whoAmI });
  else context.stdout.write(`${describeSignedIn(whoAmI, stored, context.configPath, context.stdoutStyle)}\n`);
}
