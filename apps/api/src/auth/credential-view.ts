import { ApiKeyScopes, RateLimit, type ApiKey } from '@modelgate/contracts';
import type { ApiKey as ApiKeyRow } from '@modelgate/db';

/** An API key or personal token as the API shows it: never the secret, never its hash. */
export function toApiKeyView(row: ApiKeyRow & { user?: { email: string } | null }): ApiKey {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes ? ApiKeyScopes.parse(row.scopes) : null,
    rateLimit: row.rateLimit ? RateLimit.parse(row.rateLimit) : null,
    owner: row.user?.email ?? null,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
