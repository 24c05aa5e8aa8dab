import { Action } from '@modelgate/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { buttonClasses } from '@/components/button';
import { DateTime } from '@/components/date-time';
import { NotAllowedButton } from '@/components/not-allowed';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getModel } from '@/lib/api-client';
import { decideFor } from '@/lib/caller';
import { pluralize } from '@/lib/format';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { VersionsTable } from './versions-table';

export const dynamic = 'force-dynamic';

interface ModelPageProps {
  params: Promise<{ model: string }>;
}

export async function generateMetadata({ params }: ModelPageProps): Promise<Metadata> {
  const { model } = await params;
  return { title: model };
}

export default async function ModelPage({ params }: ModelPageProps) {
  const { model: name } = await params;
  const [model, session] = await Promise.all([loadFromApi(getModel(name)), requireSession()]);

  if (!model.ok) {
    return (
      <>
        <PageHeader eyebrow="Model" title={name} />
        <ApiErrorPanel failure={model.failure} />
      </>
    );
  }

  const { data } = model;
  // Newest first: the version someone most likely came to look at.
  const versions = [...data.versions].sort((a, b) => b.version - a.version);
  const upload = decideFor(session, Action.manageModels);
  return (
    <>
      <PageHeader
        eyebrow="Model"
        title={data.name}
        description={data.description || undefined}
        actions={
          upload.allowed ? (
            <Link href={`/models/new?model=${encodeURIComponent(data.name)}`} className={buttonClasses('primary')}>
              Upload new version
            </Link>
          ) : (
            <NotAllowedButton label="Upload new version" reason={upload.reason} variant="primary" align="end" />
          )
        }
      >
        <span className="text-sm text-zinc-500">
          {pluralize(data.versionCount, 'version')} · created <DateTime iso={data.createdAt} /> · updated{' '}
          <DateTime iso={data.updatedAt} />
        </span>
      </PageHeader>
      <Section
        id="versions"
        title="Versions"
        description="Immutable artifacts, each checked and introspected at upload. Archived versions stay listed but can no longer be deployed."
      >
        <VersionsTable model={data.name} versions={versions} />
      </Section>
    </>
  );
}
