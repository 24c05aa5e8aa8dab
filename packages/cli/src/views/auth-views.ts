import { ROLE_LABELS, type ApiKey, type ApiKeyScopes, type WhoAmI } from '@modelgate/contracts';
import type { ApiAccess } from '../auth/api-access.js';
import type { StoredCredentials } from '../config/config-file.js';
import { formatDateTime } from '../format/quantities.js';
import type { Style } from '../format/style.js';
import { formatFields, formatTable } from '../format/table.js';

/** `predict: fraud, iris; read` */
export function describeScopes(scopes: ApiKeyScopes | null): string {
  if (!scopes) return '—';
  const parts: string[] = [];
  if (scopes.predict.length > 0) parts.push(`predict: ${scopes.predict.includes('*') ? 'every endpoint' : scopes.predict.join(', ')}`);
  if (scopes.read) parts.push('read');
  return parts.join('; ');
}

/** Where the token in use came from, without ever showing more than its prefix. */
function describeTokenSource(access: ApiAccess): string {
  const { tokenSource } = access;
  switch (tokenSource.source) {
    case 'environment':
      return `${tokenSource.prefix ?? 'a token'} from MODELGATE_TOKEN`;
    case 'config':
      return `${tokenSource.prefix} saved in ${tokenSource.configPath}`;
    case 'none':
      return 'none';
  }
}

export function describeWhoAmI(caller: WhoAmI, access: ApiAccess, style: Style): string {
  if (caller.kind === 'api_key') {
    const { apiKey } = caller;
    return formatFields(
      [
        ['api key', `${apiKey.name} (${apiKey.prefix})`],
        ['scopes', describeScopes(apiKey.scopes)],
        ['expires', apiKey.expiresAt ? formatDateTime(apiKey.expiresAt) : 'never'],
        ['token', describeTokenSource(access)],
        ['api', access.apiUrl],
      ],
      style,
    );
  }
  const { user } = caller;
  return formatFields(
    [
      ['email', user.email],
      ...(user.name ? ([['name', user.name]] as [string, string][]) : []),
      ['role', `${user.role} (${ROLE_LABELS[user.role]})`],
      ['via', caller.via === 'personal_token' ? 'personal token' : 'session'],
      ['token', describeTokenSource(access)],
      ['api', access.apiUrl],
    ],
    style,
  );
}

/** After `modelgate login`: who, where, and which token was saved where. */
export function describeSignedIn(caller: WhoAmI, stored: StoredCredentials, configPath: string, style: Style): string {
  const who = caller.kind === 'user' ? `${caller.user.email} (${caller.user.role})` : `API key ${caller.apiKey.name}`;
  return `${style.green(`signed in to ${stored.apiUrl} as ${who}`)}\n${stored.kind === 'api_key' ? 'API key' : 'token'} ${stored.prefix} saved in ${configPath}`;
}

function keyStatus(key: ApiKey, now: number): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function describeApiKeyList(keys: readonly ApiKey[], style: Style, now: number = Date.now()): string {
  if (keys.length === 0) return 'no API keys yet: create one with `modelgate api-keys create <name> --predict <endpoint>`';
  const rows = keys.map((key) => [
    key.prefix,
    key.name,
    describeScopes(key.scopes),
    keyStatus(key, now),
    key.expiresAt ? formatDateTime(key.expiresAt) : 'never',
    key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'never',
    key.id,
  ]);
  return formatTable(['prefix', 'name', 'scopes', 'status', 'expires', 'last used', 'id'], rows, style);
}
