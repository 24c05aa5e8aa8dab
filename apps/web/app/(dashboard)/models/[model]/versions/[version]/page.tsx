import type { Endpoint } from '@modelgate/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { Badge, VersionStatusBadge } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { PageHeader } from '@/components/page-header';
import { PredictRequest } from '@/components/predict-request';
import { Section } from '@/components/section';
import { SignatureTables } from '@/components/signature-tables';
import { getEndpoints, getVersion } from '@/lib/api-client';
import { modelVersionPath } from '@/lib/browser-api';
import { webConfig } from '@/lib/config';
import { loadFromApi } from '@/lib/load-from-api';
import { predictCurl, predictExample, predictFetch, versionExample } from '@/lib/predict-example';
import { ArchiveVersion } from './archive-version';
import { ArchivedBanner } from './archived-banner';
import { EditDetails } from './edit-details';
import { ModelFacts } from './model-facts';
import { VersionDetails } from './version-details';
import { type ServingEndpoint, VersionSummary } from './version-summary';
import { WarningsPanel } from './warnings-panel';

export const dynamic = 'force-dynamic';

interface VersionPageProps {
  params: Promise<{ model: string; version: string }>;
}

/** Versions are integers; `v3` is accepted too since that is how the dashboard writes them. */
function parseVersion(raw: string): number | undefined {
  const match = /^v?(\d{1,9})$/i.exec(raw);
  const version = match ? Number(match[1]) : 0;
  return version > 0 ? version : undefined;
}

export async function generateMetadata({ params }: VersionPageProps): Promise<Metadata> {
  const { model, version } = await params;
  return { title: `${model} v${parseVersion(version) ?? version}` };
}

export default async function VersionPage({ params }: VersionPageProps) {
  const { model: modelName, version: rawVersion } = await params;
  const versionNumber = parseVersion(rawVersion);
  if (versionNumber === undefined) notFound();

  const [loaded, endpoints] = await Promise.all([
    loadFromApi(getVersion(modelName, versionNumber)),
    loadFromApi(getEndpoints(), { notFoundIsPage: false }),
  ]);

  const eyebrow = (
    <>
      Model{' '}
      <Link href={`/models/${modelName}`} className="font-medium text-indigo-700 hover:underline">
        {modelName}
      </Link>{' '}
      · version {versionNumber}
    </>
  );

  if (!loaded.ok) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={`${modelName} v${versionNumber}`} />
        <ApiErrorPanel failure={loaded.failure} />
      </>
    );
  }

  const version = loaded.data;
  const servedBy = endpoints.ok ? endpointsRouting(endpoints.data.items, version.id) : [];
  const example = versionExample(version.signature, version.metadata.sampleInput);
  const zeros = predictExample(version.signature);
  // An endpoint that already routes here makes the request run as pasted.
  const endpoint = servedBy[0]?.endpoint ?? '<endpoint>';
  const request = { apiUrl: webConfig().apiUrl, endpoint, body: example.body, pinVersion: version.version };

  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={`${version.model} v${version.version}`}
        description={version.metadata.description}
        actions={
          <>
            <a href={`${modelVersionPath(version.model, version.version)}/artifact`} download className={buttonClasses('secondary')}>
              <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
                <path d="M8 2.5v8m0 0-3-3m3 3 3-3M3 13.5h10" />
              </svg>
              Download artifact
            </a>
            {version.archivedAt ? null : (
              <ArchiveVersion model={version.model} version={version.version} servedBy={servedBy.map((serving) => serving.endpoint)} />
            )}
          </>
        }
      >
        <VersionStatusBadge status={version.status} />
        {version.archivedAt ? <Badge>archived</Badge> : null}
      </PageHeader>

      {version.archivedAt ? <ArchivedBanner archivedAt={version.archivedAt} /> : null}
      {version.warnings.length > 0 ? <WarningsPanel warnings={version.warnings} /> : null}

      <VersionSummary version={version} servedBy={servedBy} />

      <Section
        id="signature"
        title="Signature"
        description={
          version.signature.batchable
            ? 'Batchable: every input has a symbolic first dimension, so concurrent requests run as one batch.'
            : 'Not batchable: some input has a fixed first dimension, so each request runs on its own.'
        }
      >
        <SignatureTables signature={version.signature} />
      </Section>

      <Section id="predict" title="Try it" description={tryItDescription(version.status, servedBy, example.fromSample)}>
        <PredictRequest
          title={`POST /v1/endpoints/${endpoint}/predict`}
          curl={predictCurl(request)}
          typescript={predictFetch(request)}
          notes={example.notes}
        />
      </Section>

      <Section id="facts" title="Model facts" description="Read from the ONNX file when it was uploaded.">
        <ModelFacts facts={version.facts} />
      </Section>

      <EditDetails
        model={version.model}
        version={version.version}
        metadata={version.metadata}
        signatureExample={zeros.notes.length === 0 ? zeros.body : undefined}
      >
        <VersionDetails metadata={version.metadata} />
      </EditDetails>
    </>
  );
}

function tryItDescription(status: 'ready' | 'failed', servedBy: ServingEndpoint[], fromSample: boolean): string {
  const body = fromSample
    ? 'The body is the sample input saved with this version.'
    : 'The body is zeros of each input’s shape; save a sample input under Details for a meaningful row.';
  if (status === 'failed') return `This version failed validation, so no endpoint can serve it; the request shows what its signature expects. ${body}`;
  const target =
    servedBy.length > 0
      ? `Calls ${servedBy[0]?.endpoint}, which routes to this version${servedBy.length > 1 ? ` (so do ${servedBy.slice(1).map((serving) => serving.endpoint).join(', ')})` : ''}; the X-Modelgate-Version header pins it.`
      : 'Replace <endpoint> with an endpoint that routes to this version; the X-Modelgate-Version header pins it.';
  return `${target} ${body}`;
}

function endpointsRouting(endpoints: Endpoint[], versionId: string): ServingEndpoint[] {
  return endpoints.flatMap((endpoint) =>
    (endpoint.activeRevision?.routes ?? [])
      .filter((route) => route.versionId === versionId)
      .map((route) => ({ endpoint: endpoint.name, weight: route.weight })),
  );
}
