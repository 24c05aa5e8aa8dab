import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { PageHeader } from '@/components/page-header';
import { getEndpoints } from '@/lib/api-client';
import { loadFromApi } from '@/lib/load-from-api';
import { EndpointsTable } from './endpoints-table';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Endpoints' };

export default async function EndpointsPage() {
  const endpoints = await loadFromApi(getEndpoints());
  return (
    <>
      <PageHeader
        title="Endpoints"
        description="Stable names applications call. Each routes its traffic to one or more model versions through its active revision."
      />
      {endpoints.ok ? <EndpointsTable endpoints={endpoints.data.items} /> : <ApiErrorPanel failure={endpoints.failure} />}
    </>
  );
}
