import type { ModelVersion, Revision } from '@modelgate/contracts';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { EmptyState } from '@/components/empty-state';
import { PredictRequest } from '@/components/predict-request';
import { webConfig } from '@/lib/config';
import type { Loaded } from '@/lib/load-from-api';
import { predictCurl, predictFetch, versionExample } from '@/lib/predict-example';

interface PredictSnippetProps {
  endpoint: string;
  route: Revision['routes'][number] | undefined;
  version: Loaded<ModelVersion> | undefined;
}

/** A request that runs as is against the endpoint, built from what it routes to. */
export function PredictSnippet({ endpoint, route, version }: PredictSnippetProps) {
  if (!route || !version) {
    return <EmptyState title="Nothing to call yet">Deploy a model version to this endpoint first.</EmptyState>;
  }
  if (!version.ok) return <ApiErrorPanel failure={version.failure} />;

  const example = versionExample(version.data.signature, version.data.metadata.sampleInput);
  const request = { apiUrl: webConfig().apiUrl, endpoint, body: example.body };
  const routed = <span className="font-mono">{route.model}@v{route.version}</span>;
  return (
    <>
      <p className="mb-3 text-sm text-zinc-600">
        {example.fromSample ? (
          <>Body: the sample input saved with {routed}.</>
        ) : (
          <>
            Body built from the signature of {routed}: zeros of each input&apos;s shape, symbolic dimensions as 1.
          </>
        )}
      </p>
      <PredictRequest
        title={`POST /v1/endpoints/${endpoint}/predict`}
        curl={predictCurl(request)}
        typescript={predictFetch(request)}
        notes={example.notes}
      />
    </>
  );
}
