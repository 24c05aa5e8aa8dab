import type { Endpoint } from '@modelgate/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { VersionStatusBadge } from '@/components/badge';
import { CurlExample } from '@/components/curl-example';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getEndpoints, getVersion } from '@/lib/api-client';
import { webConfig } from '@/lib/config';
import { loadFromApi } from '@/lib/load-from-api';
import { predictCurl, predictExample } from '@/lib/predict-example';
import { ModelFacts } from './model-facts';
import { SignatureTables } from './signature-tables';
import { VersionMetadata } from './version-metadata';
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
  const example = predictExample(version.signature);
  const curl = predictCurl({
    apiUrl: webConfig().apiUrl,
    endpoint: '<endpoint>',
    body: example.body,
    pinVersion: version.version,
  });

  return (
    <>
      <PageHeader eyebrow={eyebrow} title={`${version.model} v${version.version}`} description={version.metadata.description}>
        <VersionStatusBadge status={version.status} />
      </PageHeader>

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

      <Section
        id="predict"
        title="Try it"
        description={
          version.status === 'failed'
            ? 'This version failed validation, so no endpoint can serve it; the request shows what its signature expects.'
            : servedBy.length > 0
            ? `Replace <endpoint> with an endpoint that routes to this version (${servedBy.map((serving) => serving.endpoint).join(', ')}); the X-Modelgate-Version header pins it.`
            : 'Replace <endpoint> with an endpoint that routes to this version; the X-Modelgate-Version header pins it.'
        }
      >
        <CurlExample title="curl" curl={curl} notes={example.notes} />
      </Section>

      <Section id="facts" title="Model facts" description="Read from the ONNX file when it was uploaded.">
        <ModelFacts facts={version.facts} />
      </Section>

      <VersionMetadata metadata={version.metadata} />
    </>
  );
}

function endpointsRouting(endpoints: Endpoint[], versionId: string): ServingEndpoint[] {
  return endpoints.flatMap((endpoint) =>
    (endpoint.activeRevision?.routes ?? [])
      .filter((route) => route.versionId === versionId)
      .map((route) => ({ endpoint: endpoint.name, weight: route.weight })),
  );
}
