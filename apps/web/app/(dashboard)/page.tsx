import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getEndpoints, getModels } from '@/lib/api-client';
import { pluralize } from '@/lib/format';
import { loadFromApi } from '@/lib/load-from-api';
import { EndpointList } from './endpoint-list';
import { ModelList } from './model-list';
import { OverviewStats } from './overview-stats';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const [models, endpoints] = await Promise.all([loadFromApi(getModels()), loadFromApi(getEndpoints())]);

  return (
    <>
      <PageHeader title="Overview" description="The models registered in Modelgate and the endpoints that serve them." />
      {!models.ok ? (
        <ApiErrorPanel failure={models.failure} />
      ) : !endpoints.ok ? (
        <ApiErrorPanel failure={endpoints.failure} />
      ) : (
        <>
          <OverviewStats models={models.data.items} endpoints={endpoints.data.items} />
          <div className="grid gap-x-8 lg:grid-cols-2">
            <Section id="endpoints" title="Endpoints" aside={pluralize(endpoints.data.items.length, 'endpoint')}>
              <EndpointList endpoints={endpoints.data.items} />
            </Section>
            <Section id="models" title="Models" aside={pluralize(models.data.items.length, 'model')}>
              <ModelList models={models.data.items} />
            </Section>
          </div>
        </>
      )}
    </>
  );
}
