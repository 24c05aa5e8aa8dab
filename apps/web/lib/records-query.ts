import type { RecordStatus } from '@modelgate/contracts';

/** Records per page on the dashboard's inbox. */
export const RECORDS_PAGE_SIZE = 25;

/** The search of one page of the records inbox: a status (or all), after a cursor. */
export function recordsSearch(status: RecordStatus | undefined, cursor: string | undefined): string {
  const search = new URLSearchParams({ limit: String(RECORDS_PAGE_SIZE) });
  if (status) search.set('status', status);
  if (cursor) search.set('cursor', cursor);
  return `?${search.toString()}`;
}
