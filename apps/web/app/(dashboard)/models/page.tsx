import { Action } from '@modelgate/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { buttonClasses } from '@/components/button';
import { NotAllowedButton } from '@/components/not-allowed';
import { PageHeader } from '@/components/page-header';
import { getModels } from '@/lib/api-client';
import { decideFor } from '@/lib/caller';
import { formatDateTime } from '@/lib/format';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { ModelsTable } from './models-table';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Models' };

export default async function ModelsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { q } = await searchParams;
  const query = typeof q === 'string' ? q : '';
  const [models, session] = await Promise.all([loadFromApi(getModels()), requireSession()]);
  const upload = decideFor(session, Action.manageModels);

  return (
    <>
      <PageHeader
        title="Models"
        description="Every model family and its versions. Each upload of an ONNX file adds an immutable, validated version."
        actions={
          upload.allowed ? (
            <Link href="/models/new" className={buttonClasses('primary')}>
              Upload model
            </Link>
          ) : (
            <NotAllowedButton label="Upload model" reason={upload.reason} variant="primary" align="end" />
          )
        }
      />
      {models.ok ? (
        <ModelsTable
          models={models.data.items.map((model) => ({ ...model, updatedLabel: formatDateTime(model.updatedAt) }))}
          initialQuery={query}
        />
      ) : (
        <ApiErrorPanel failure={models.failure} />
      )}
    </>
  );
}
