import type { ApiKey } from '@modelgate/contracts';
import type { CredentialRow } from '@/components/credential-table';
import { formatDateTime } from './format';

/** Keys and tokens as the table shows them: times formatted on the server, expiry judged at render time. */
export function credentialRows(items: ApiKey[], now = Date.now()): CredentialRow[] {
  return items.map((item) => ({
    ...item,
    expiresLabel: item.expiresAt ? formatDateTime(item.expiresAt) : undefined,
    lastUsedLabel: item.lastUsedAt ? formatDateTime(item.lastUsedAt) : undefined,
    createdLabel: formatDateTime(item.createdAt),
    revokedLabel: item.revokedAt ? formatDateTime(item.revokedAt) : undefined,
    expired: item.expiresAt !== null && Date.parse(item.expiresAt) <= now,
  }));
}
