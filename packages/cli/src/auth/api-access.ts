import { DEFAULT_API_URL, ModelgateApiError, ModelgateClient, tokenPrefix } from '@modelgate/sdk';
import type { CliContext, GlobalOptions } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { readConfigFile, type StoredCredentials } from '../config/config-file.js';

/** Where the token a command sends came from: 401 messages say which one was refused. */
export type TokenSource =
  | { source: 'environment'; prefix: string | undefined }
  | { source: 'config'; prefix: string; configPath: string }
  /** `signedInTo`: the config file's API, when it is not this one (its token is not sent elsewhere). */
  | { source: 'none'; signedInTo: string | undefined };

/** The API a command talks to and the token it sends there. */
export interface ApiAccess {
  apiUrl: string;
  token: string | undefined;
  tokenSource: TokenSource;
}

/** Two spellings of one API URL (`http://Host:4000/` and `http://host:4000`) are the same API. */
export function sameApiUrl(left: string, right: string): boolean {
  const canonical = (url: string) => new URL(url).href.replace(/\/+$/, '');
  return canonical(left) === canonical(right);
}

/**
 * The API: `--api-url`, else MODELGATE_API_URL (commander has merged the two into `apiUrlOption`),
 * else the one the saved sign-in is for, else the local default. The token: MODELGATE_TOKEN, else
 * the saved one, but only for the API it was issued by: a token is never sent to another server.
 */
export function chooseApiAccess(apiUrlOption: string | undefined, env: NodeJS.ProcessEnv, stored: StoredCredentials | undefined, configPath: string): ApiAccess {
  const apiUrl = apiUrlOption ?? stored?.apiUrl ?? DEFAULT_API_URL;
  const environmentToken = env.MODELGATE_TOKEN?.trim();
  if (environmentToken) return { apiUrl, token: environmentToken, tokenSource: { source: 'environment', prefix: tokenPrefix(environmentToken) } };
  if (stored && sameApiUrl(stored.apiUrl, apiUrl)) {
    return { apiUrl, token: stored.token, tokenSource: { source: 'config', prefix: stored.prefix, configPath } };
  }
  return { apiUrl, token: undefined, tokenSource: { source: 'none', signedInTo: stored?.apiUrl } };
}

/** Reads the saved sign-in (fixing loose permissions, with a warning) and chooses. */
export async function loadApiAccess(globals: GlobalOptions, context: CliContext): Promise<ApiAccess> {
  const stored = await readConfigFile(context.configPath, (message) => warn(context, message));
  return chooseApiAccess(globals.apiUrl, context.env, stored, context.configPath);
}

export function warn(context: CliContext, message: string): void {
  context.stderr.write(`${context.stderrStyle.yellow('warning:')} ${message}\n`);
}

export function clientFor(access: ApiAccess): ModelgateClient {
  return new ModelgateClient({ apiUrl: access.apiUrl, token: access.token });
}

/** What to do about a 401, given which token (if any) was refused. */
export function signInHint(access: ApiAccess): string {
  const { tokenSource } = access;
  switch (tokenSource.source) {
    case 'environment':
      return `the token in MODELGATE_TOKEN (${tokenSource.prefix ?? 'not shaped like a Modelgate token'}) was refused by ${access.apiUrl}: it expired, was revoked, or is for another deployment. Set a valid one, or unset it and run \`modelgate login\``;
    case 'config':
      return `your saved token ${tokenSource.prefix} (in ${tokenSource.configPath}) expired or was revoked: run \`modelgate login\` to sign in again`;
    case 'none':
      return tokenSource.signedInTo
        ? `not signed in to ${access.apiUrl} (you are signed in to ${tokenSource.signedInTo}): run \`modelgate login --api-url ${access.apiUrl}\`, or set MODELGATE_TOKEN`
        : `not signed in: run \`modelgate login\`, or set MODELGATE_TOKEN to an API key or personal token`;
  }
}

/** A 401 on a command that needs a signed-in caller: the API's reason, then what to do. */
export class SignInRequiredError extends CliError {
  constructor(apiError: ModelgateApiError, access: ApiAccess) {
    super(`${apiError.problem.detail}\n  ${signInHint(access)}`, { cause: apiError });
  }
}

/**
 * Runs a command with the API access it should use, turning a 401 into a message that says which
 * token was refused and how to get a working one.
 */
export async function withApiAccess<T>(globals: GlobalOptions, context: CliContext, run: (access: ApiAccess) => Promise<T>): Promise<T> {
  const access = await loadApiAccess(globals, context);
  try {
    return await run(access);
  } catch (error) {
    if (error instanceof ModelgateApiError && error.status === 401) throw new SignInRequiredError(error, access);
    throw error;
  }
}
