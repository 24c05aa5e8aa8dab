import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { PageHeader } from '@/components/page-header';
import { getBatchJob } from '@/lib/api-client';
import { loadFromApi } from '@/lib/load-from-api';
import { BatchJobDetail } from './batch-job-detail';

export const dynamic = 'force-dynamic';

interface BatchJobPageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: BatchJobPageProps): Promise<Metadata> {
  const { id } = await params;
  return { title: `Batch job ${id.slice(0, 8)}` };
}

export default async function BatchJobPage({ params }: BatchJobPageProps) {
  const { id } = await params;
  const askedAt = Date.now();
  const loaded = await loadFromApi(getBatchJob(id));
  if (!loaded.ok) {
    return (
      <>
        <PageHeader eyebrow={<BatchJobsLink />} title={`Batch job ${id}`} />
        <ApiErrorPanel failure={loaded.failure} />
      </>
    );
  }
  return <BatchJobDetail initial={loaded.data} initialAt={askedAt} eyebrow={<BatchJobsLink />} />;
}

function BatchJobsLink() {
  return (
    <Link href="/batch-jobs" className="font-medium text-indigo-700 hover:underline">
      Batch jobs
    </Link>
  );
}
