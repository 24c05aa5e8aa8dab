import { Action, RESERVED_MODEL_NAMES, SLUG_PATTERN } from '@modelgate/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { NotAllowedPanel } from '@/components/not-allowed';
import { PageHeader } from '@/components/page-header';
import { getModels } from '@/lib/api-client';
import { decideFor } from '@/lib/caller';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { type ExistingModel, UploadForm } from './upload-form';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Upload a model' };

export default async function UploadPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { model } = await searchParams;
  const initialModel = typeof model === 'string' ? model : '';
  // Only for the "adds a version to …" hint: the form works without it, so a failure is not shown.
  const [models, session] = await Promise.all([loadFromApi(getModels(), { notFoundIsPage: false }), requireSession()]);
  const upload = decideFor(session, Action.manageModels);
  const existingModels: ExistingModel[] | undefined = models.ok
    ? models.data.items.map(({ name, latestVersion }) => ({ name, latestVersion }))
    : undefined;
  const existing = existingModels?.some((item) => item.name === initialModel);

  return (
    <>
      <PageHeader
        eyebrow={
          existing ? (
            <>
              Model{' '}
              <Link href={`/models/${initialModel}`} className="font-medium text-indigo-700 hover:underline">
                {initialModel}
              </Link>
            </>
          ) : (
            <Link href="/models" className="font-medium text-indigo-700 hover:underline">
              Models
            </Link>
          )
        }
        title={existing ? 'Upload a new version' : 'Upload a model'}
        description="The file is checked in an isolated process and becomes an immutable version, its signature read from the file itself. Uploading to an existing name adds a version."
      />
      {upload.allowed ? (
        <UploadForm initialModel={initialModel} namePattern={SLUG_PATTERN.source} reservedNames={RESERVED_MODEL_NAMES} existingModels={existingModels} />
      ) : (
        <NotAllowedPanel what="You cannot upload models." reason={upload.reason} />
      )}
    </>
  );
}
