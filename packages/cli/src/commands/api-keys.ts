import type { ApiKey, ApiKeyScopes } from '@modelgate/contracts';
import { tokenPrefix } from '@modelgate/sdk';
import { clientFor, warn, type ApiAccess } from '../auth/api-access.js';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { describeApiKeyList, describeScopes } from '../views/auth-views.js';

export interface CreateApiKeyOptions {
  /** Endpoint names (`--predict fraud iris`). */
  predict?: string[];
  predictAll?: boolean;
  read?: boolean;
  /** ISO date-time, already checked (parseExpiry). */
  expires?: string;
}

/** The scopes the options ask for; refused here when they ask for nothing or contradict each other. */
export function scopesFromOptions(options: CreateApiKeyOptions): ApiKeyScopes {
  if (options.predictAll && options.predict?.length) throw new CliError('give either --predict <endpoint...> or --predict-all, not both');
  const predict = options.predictAll ? ['*'] : (options.predict ?? []);
  if (predict.length === 0 && !options.read) {
    throw new CliError('a key needs a scope: --predict <endpoint...>, --predict-all, and/or --read');
  }
  return { predict, read: options.read === true };
}

/**
 * `modelgate api-keys create <name>`: the secret alone on stdout (so `KEY=$(modelgate api-keys
 * create …)` captures it), what it is and the shown-once warning on stderr.
 */
export async function createApiKey(name: string, options: CreateApiKeyOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const scopes = scopesFromOptions(options);
  const created = await clientFor(access).createApiKey({ name, scopes, ...(options.expires ? { expiresAt: options.expires } : {}) });
  if (globals.json) printJson(context, created);
  else context.stdout.write(`${created.secret}\n`);
  context.stderr.write(
    `created API key "${created.name}" (${created.prefix}): ${describeScopes(created.scopes)}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}\n`,
  );
  warn(context, 'this is the only time the secret is shown: store it now (a secret manager, the application\'s environment)');
}

/** `modelgate api-keys list` */
export async function listApiKeys(access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const list = await clientFor(access).listApiKeys();
  if (globals.json) printJson(context, list);
  else context.stdout.write(`${describeApiKeyList(list.items, context.stdoutStyle)}\n`);
}

/**
 * The key `reference` names: its id, its prefix, or the whole secret (someone who found a leaked
 * key can revoke it without working out its prefix).
 */
export function findApiKey(keys: readonly ApiKey[], reference: string): ApiKey {
  const prefix = tokenPrefix(reference) ?? reference;
  const found = keys.find((key) => key.id === reference || key.prefix === prefix);
  if (!found) throw new CliError(`no API key has the id or prefix "${tokenPrefix(reference) ?? reference}": \`modelgate api-keys list\` shows them`);
  return found;
}

/** `modelgate api-keys revoke <id|prefix>` */
export async function revokeApiKey(reference: string, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const key = findApiKey((await client.listApiKeys()).items, reference);
  const revoked = await client.revokeApiKey(key.id);
  if (globals.json) printJson(context, revoked);
  else context.stdout.write(`revoked API key "${revoked.name}" (${revoked.prefix}): every API process refuses it within a second\n`);
}
