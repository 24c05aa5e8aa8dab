import { Action, AuditAction } from '@modelgate/contracts';
import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { pageRefusal } from '@/components/page-refusal';
import { PageHeader } from '@/components/page-header';
import { getAudit } from '@/lib/api-client';
import { auditSearch } from '@/lib/audit-query';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { AuditFilterForm } from './audit-filter-form';
import { auditQueryOf, hasFilters, readAuditFilters } from './audit-filters';
import { AuditTable } from './audit-table';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Audit log' };

/** Events per page: enough to fill a screen or two; "Load more" fetches the next ones. */
const PAGE_SIZE = 50;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requireSession();
  const header = (
    <PageHeader
      title="Audit log"
      description="Every change and every refused or throttled attempt: who, from where, what it was before and after. Newest first; nothing here can be edited."
    />
  );
  const refusal = pageRefusal(session, Action.readAudit, header, 'The audit log is for admins.');
  if (refusal) return refusal;

  const filters = readAuditFilters(await searchParams);
  const query = auditQueryOf(filters);
  const events = await loadFromApi(getAudit({ ...query, limit: PAGE_SIZE }), { notFoundIsPage: false });
  return (
    <>
      {header}
      <AuditFilterForm filters={filters} actions={Object.values(AuditAction)} />
      {events.ok ? (
        <AuditTable
          // A new filter is a new list: start over rather than keep rows loaded for the old one.
          key={auditSearch(query)}
          initial={events.data}
          search={auditSearch({ ...query, limit: PAGE_SIZE })}
          filtered={hasFilters(filters)}
        />
      ) : (
        <ApiErrorPanel failure={events.failure} />
      )}
    </>
  );
}
