import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getEndpoints, getMetricsOverview, getModels } from '@/lib/api-client';
import { pluralize } from '@/lib/format';
import { loadFromApi } from '@/lib/load-from-api';
import { OVERVIEW_METRICS_RANGE } from '@/lib/metrics-range';
import { EndpointList } from './endpoint-list';
import { ModelList } from './model-list';
import { OverviewMetricsProvider, OverviewMetricsStatus } from './overview-metrics';
import { OverviewStats } from './overview-stats';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const metricsAskedAt = Date.now();
  const [models, endpoints, metrics] = await Promise.all([
    loadFromApi(getModels()),
    loadFromApi(getEndpoints()),
    // Secondary: without it the rows still list the endpoints, and the browser keeps asking.
    loadFromApi(getMetricsOverview(OVERVIEW_METRICS_RANGE), { notFoundIsPage: false }),
  ]);

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
          {/* Full width: each endpoint's row carries its live numbers. */}
          <OverviewMetricsProvider initial={metrics} initialAt={metricsAskedAt}>
            <Section
              id="endpoints"
              title="Endpoints"
              aside={
                <>
                  {pluralize(endpoints.data.items.length, 'endpoint')} · <OverviewMetricsStatus />
                </>
              }
            >
              <EndpointList endpoints={endpoints.data.items} />
            </Section>
          </OverviewMetricsProvider>
          <Section id="models" title="Models" aside={pluralize(models.data.items.length, 'model')}>
            <ModelList models={models.data.items} />
          </Section>
        </>
      )}
    </>
  );
}
