import type { ModelVersion, Revision } from '@modelgate/contracts';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { CurlExample } from '@/components/curl-example';
import { EmptyState } from '@/components/empty-state';
import { webConfig } from '@/lib/config';
import type { Loaded } from '@/lib/load-from-api';
import { predictCurl, predictExample } from '@/lib/predict-example';

interface PredictSnippetProps {
  endpoint: string;
  route: Revision['routes'][number] | undefined;
  version: Loaded<ModelVersion> | undefined;
}

/** A request that runs as is against the endpoint, built from the signature of what it routes to. */
export function PredictSnippet({ endpoint, route, version }: PredictSnippetProps) {
  if (!route || !version) {
    return <EmptyState title="Nothing to call yet">Deploy a model version to this endpoint first.</EmptyState>;
  }
  if (!version.ok) return <ApiErrorPanel failure={version.failure} />;

  const example = predictExample(version.data.signature);
  const curl = predictCurl({ apiUrl: webConfig().apiUrl, endpoint, body: example.body });
  return (
    <>
      <p className="mb-3 text-sm text-zinc-600">
        Body built from the signature of <span className="font-mono">{route.model}@v{route.version}</span>: zeros of
        each input&apos;s shape, symbolic dimensions as 1.
      </p>
      <CurlExample title={`POST /v1/endpoints/${endpoint}/predict`} curl={curl} notes={example.notes} />
    </>
  );
}
