import { Action } from '@modelgate/contracts';
import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { NotAllowedButton } from '@/components/not-allowed';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getBatchJobs, getEndpoints, getModels } from '@/lib/api-client';
import { decideFor } from '@/lib/caller';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { BatchJobsLive } from './batch-jobs-live';
import { BatchJobsTable } from './batch-jobs-table';
import { SubmitBatchJobForm } from './submit-batch-job-form';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Batch jobs' };

export default async function BatchJobsPage() {
  // When the server asked: the browser's first poll comes one interval later.
  const askedAt = Date.now();
  const [jobs, endpoints, models, session] = await Promise.all([
    loadFromApi(getBatchJobs(), { notFoundIsPage: false }),
    loadFromApi(getEndpoints(), { notFoundIsPage: false }),
    loadFromApi(getModels(), { notFoundIsPage: false }),
    requireSession(),
  ]);
  const submit = decideFor(session, Action.predict);
  const endpointNames = endpoints.ok ? endpoints.data.items.filter((endpoint) => endpoint.activeRevision !== null).map((endpoint) => endpoint.name) : [];
  const modelNames = models.ok ? models.data.items.filter((model) => model.latestVersion !== null).map((model) => model.name) : [];

  return (
    <BatchJobsLive initial={jobs} initialAt={askedAt}>
      <PageHeader
        title="Batch jobs"
        description="Files of rows scored offline: each row goes through an endpoint (or one pinned version) in chunks that any number of workers share. Every row’s result is kept once, and downloadable as CSV or JSONL."
      />
      <Section id="jobs" title="Jobs" description="Newest first, live while any is queued or running.">
        <BatchJobsTable />
      </Section>
      <Section id="submit" title="Submit a batch file" description="Where its rows go, and how its columns feed the model’s inputs.">
        {!submit.allowed ? (
          <NotAllowedButton label="Submit batch job" reason={submit.reason} variant="primary" />
        ) : !endpoints.ok ? (
          <ApiErrorPanel failure={endpoints.failure} />
        ) : !models.ok ? (
          <ApiErrorPanel failure={models.failure} />
        ) : (
          <SubmitBatchJobForm endpoints={endpointNames} models={modelNames} />
        )}
      </Section>
    </BatchJobsLive>
  );
}
