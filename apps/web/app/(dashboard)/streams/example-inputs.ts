import { getEndpoint, getVersion } from '@/lib/api-client';
import { loadFromApi } from '@/lib/load-from-api';
import { exampleInputsJson } from '@/lib/predict-example';
import { PLACEHOLDER_INPUTS } from '@/lib/stream-example';

/**
 * The `inputs` JSON of an example message for an endpoint, from its primary version (its sample
 * input, else zeros of its signature's shapes); the placeholder when it serves nothing yet.
 */
export async function exampleInputsFor(endpoint: string): Promise<string> {
  const loaded = await loadFromApi(getEndpoint(endpoint), { notFoundIsPage: false });
  const primary = loaded.ok ? loaded.data.activeRevision?.routes.toSorted((a, b) => b.weight - a.weight)[0] : undefined;
  if (!primary) return PLACEHOLDER_INPUTS;
  const version = await loadFromApi(getVersion(primary.model, primary.version), { notFoundIsPage: false });
  if (!version.ok) return PLACEHOLDER_INPUTS;
  return exampleInputsJson(version.data.signature, version.data.metadata.sampleInput);
}
