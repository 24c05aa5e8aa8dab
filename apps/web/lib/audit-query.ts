import type { AuditQuery } from '@modelgate/contracts';

/** `?action=…&cursor=…` with only the filters that are set: the page's first load and "Load more" alike. */
export function auditSearch(query: AuditQuery): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
