import { Action, SLUG_PATTERN } from '@modelgate/contracts';
import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { NotAllowedButton } from '@/components/not-allowed';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getEndpoints } from '@/lib/api-client';
import { decideFor } from '@/lib/caller';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { CreateEndpointForm } from './create-endpoint-form';
import { EndpointsTable } from './endpoints-table';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Endpoints' };

export default async function EndpointsPage() {
  const [endpoints, session] = await Promise.all([loadFromApi(getEndpoints()), requireSession()]);
  const create = decideFor(session, Action.manageEndpoints);
  return (
    <>
      <PageHeader
        title="Endpoints"
        description="Stable names applications call. Each routes its traffic to one or more model versions through its active revision."
      />
      <Section id="endpoints" title="All endpoints">
        {endpoints.ok ? <EndpointsTable endpoints={endpoints.data.items} /> : <ApiErrorPanel failure={endpoints.failure} />}
      </Section>
      <Section id="new-endpoint" title="Create an endpoint" description="It serves nothing until a version is promoted to it.">
        {create.allowed ? (
          <CreateEndpointForm namePattern={SLUG_PATTERN.source} />
        ) : (
          <NotAllowedButton label="Create endpoint" reason={create.reason} variant="primary" />
        )}
      </Section>
    </>
  );
}
