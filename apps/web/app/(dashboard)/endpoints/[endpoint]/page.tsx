import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { Badge } from '@/components/badge';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getEndpoint, getEndpointMetrics, getModels, getRecords, getRevisions, getRollouts, getSchedule, getVersion } from '@/lib/api-client';
import { webConfig } from '@/lib/config';
import { loadFromApi } from '@/lib/load-from-api';
import { metricsRangeOf } from '@/lib/metrics-range';
import { exampleInputsJson, versionExample } from '@/lib/predict-example';
import { recordsSearch } from '@/lib/records-query';
import { PLACEHOLDER_INPUTS } from '@/lib/stream-example';
import { DeployCanary } from './deploy-canary';
import { EndpointRollouts } from './endpoint-rollouts';
import { EndpointSettings } from './endpoint-settings';
import { LatencyAndTraffic } from './latency-and-traffic';
import { PredictSnippet } from './predict-snippet';
import { RecordsInbox } from './records-inbox';
import { RevisionTimeline } from './revision-timeline';
import { RollBack } from './roll-back';
import { RolloutPanel } from './rollout-panel';
import { ScoringSchedule } from './scoring-schedule';
import { TrafficSplit } from './traffic-split';
import { type RoutedExample, TryItConsole } from './try-it-console';

export const dynamic = 'force-dynamic';

interface EndpointPageProps {
  params: Promise<{ endpoint: string }>;
  /** `?range=1h`: the latency and traffic range to open on. */
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: EndpointPageProps): Promise<Metadata> {
  const { endpoint } = await params;
  return { title: endpoint };
}

export default async function EndpointPage({ params, searchParams }: EndpointPageProps) {
  const { endpoint: name } = await params;
  const range = metricsRangeOf((await searchParams).range);
  // When the server asked for the metrics and rollouts: the browser's first poll comes one interval later.
  const askedAt = Date.now();
  const [loaded, revisions, models, metrics, rollouts, records, schedule] = await Promise.all([
    loadFromApi(getEndpoint(name)),
    loadFromApi(getRevisions(name)),
    loadFromApi(getModels(), { notFoundIsPage: false }),
    // Secondary: if these fail their sections say so and keep trying from the browser.
    loadFromApi(getEndpointMetrics(name, range), { notFoundIsPage: false }),
    loadFromApi(getRollouts(name), { notFoundIsPage: false }),
    loadFromApi(getRecords(name, recordsSearch(undefined, undefined)), { notFoundIsPage: false }),
    loadFromApi(getSchedule(name), { notFoundIsPage: false }),
  ]);

  if (!loaded.ok) {
    return (
      <>
        <PageHeader eyebrow="Endpoint" title={name} />
        <ApiErrorPanel failure={loaded.failure} />
      </>
    );
  }

  const endpoint = loaded.data;
  const modelNames = models.ok ? models.data.items.map((model) => model.name) : [];
  const active = endpoint.activeRevision;
  // Heaviest first: the primary's example leads, and the console can switch to a pinned version's.
  const routes = active?.routes.toSorted((a, b) => b.weight - a.weight) ?? [];
  const routedVersions = await Promise.all(
    routes.map((route) => loadFromApi(getVersion(route.model, route.version), { notFoundIsPage: false })),
  );
  const primaryRoute = routes[0];
  const primaryVersion = routedVersions[0];
  const routedExamples: RoutedExample[] = routes.map((route, index) => {
    const version = routedVersions[index];
    return {
      model: route.model,
      version: route.version,
      weight: route.weight,
      ...(version?.ok ? { example: versionExample(version.data.signature, version.data.metadata.sampleInput) } : {}),
    };
  });
  // The revision a rollback goes back to: the one just before the active (always the newest) one.
  const previous = active && revisions.ok ? revisions.data.items.find((revision) => revision.number === active.number - 1) : undefined;

  return (
    <EndpointRollouts endpoint={endpoint.name} initial={rollouts} initialAt={askedAt}>
      <PageHeader
        eyebrow="Endpoint"
        title={endpoint.name}
        description={endpoint.description || undefined}
        actions={<RollBack endpoint={endpoint.name} active={active} previous={previous} />}
      >
        {active ? <Badge tone="accent">revision {active.number}</Badge> : <Badge>not deployed</Badge>}
      </PageHeader>

      <Section id="traffic" title="Traffic split" description="Where the active revision sends each request.">
        <TrafficSplit endpoint={endpoint.name} revision={active} />
      </Section>

      <Section
        id="metrics"
        title="Latency & traffic"
        description="Each routed version over time, live. Percentiles are of the API's own measurement, from a request's arrival to its answer."
      >
        <LatencyAndTraffic endpoint={endpoint.name} deployed={active !== null} initial={{ range, loaded: metrics, at: askedAt }} />
      </Section>

      <Section
        id="canary"
        title="Deploy a canary"
        description="Try another version on a share of the traffic, and mirror requests to shadow versions. Each deploy is a new revision; roll back to undo it."
      >
        {models.ok ? (
          <DeployCanary endpoint={endpoint.name} active={active} models={modelNames} />
        ) : (
          <ApiErrorPanel failure={models.failure} />
        )}
      </Section>

      <Section
        id="rollout"
        title="Progressive rollout"
        description="Move traffic to a candidate step by step; a judge checks its errors and latency against the baseline at each step, then advances, promotes or rolls back on its own."
      >
        <RolloutPanel endpoint={endpoint.name} active={active} models={modelNames} />
      </Section>

      <Section id="predict" title="Try it" description={active ? 'Send a request as yourself and see what answers, or call the endpoint from code.' : undefined}>
        {active ? (
          <>
            <TryItConsole endpoint={endpoint.name} routes={routedExamples} />
            <h3 className="mt-8 mb-3 text-base font-semibold text-zinc-950">From code</h3>
          </>
        ) : null}
        <PredictSnippet endpoint={endpoint.name} route={primaryRoute} version={primaryVersion} />
      </Section>

      <Section
        id="records"
        title="Records inbox"
        description="Data points applications push for batch scoring, each kept with its latest prediction and the version that made it. Pushing a key again with new inputs makes it pending again."
      >
        <RecordsInbox
          endpoint={endpoint.name}
          initial={records}
          initialAt={askedAt}
          apiUrl={webConfig().apiUrl}
          exampleInputsJson={primaryVersion?.ok ? exampleInputsJson(primaryVersion.data.signature, primaryVersion.data.metadata.sampleInput) : PLACEHOLDER_INPUTS}
        />
      </Section>

      <Section
        id="schedule"
        title="Scoring schedule"
        description="When the pending records are scored, through the endpoint's routing, in chunks; a run never scores a record twice."
      >
        <ScoringSchedule endpoint={endpoint.name} initial={schedule} initialAt={askedAt} />
      </Section>

      <Section
        id="settings"
        title="Settings"
        description="Where the model runs, how requests are batched, how long it stays loaded, and the limits. Changing them makes no new revision."
      >
        <EndpointSettings endpoint={endpoint.name} config={endpoint.config} />
      </Section>

      <Section
        id="revisions"
        title="Revision history"
        description="Every routing change is a new revision, none is ever rewritten: who made it, why, and what it changed."
      >
        {revisions.ok ? (
          <RevisionTimeline endpoint={endpoint.name} revisions={revisions.data.items} active={active} />
        ) : (
          <ApiErrorPanel failure={revisions.failure} />
        )}
      </Section>
    </EndpointRollouts>
  );
}
