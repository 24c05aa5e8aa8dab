import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header';
import { getEndpoints, getStreams } from '@/lib/api-client';
import { loadFromApi } from '@/lib/load-from-api';
import { exampleInputsFor } from './example-inputs';
import { StreamsView } from './streams-view';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Streams' };

export default async function StreamsPage() {
  const askedAt = Date.now();
  const [streams, endpoints] = await Promise.all([loadFromApi(getStreams(), { notFoundIsPage: false }), loadFromApi(getEndpoints(), { notFoundIsPage: false })]);
  // One example message per bound endpoint, built from what it serves.
  const bound = streams.ok ? [...new Set(streams.data.items.map((binding) => binding.endpoint))] : [];
  const exampleInputs = Object.fromEntries(await Promise.all(bound.map(async (endpoint) => [endpoint, await exampleInputsFor(endpoint)] as const)));
  return (
    <>
      <PageHeader
        title="Streams"
        description="Redis Streams bound to endpoints: each message {key, inputs} is scored as it arrives (micro-batched), its prediction stored and published to the sink stream. A worker that dies mid-message leaves it pending, and another worker claims it."
      />
      <StreamsView initial={streams} initialAt={askedAt} exampleInputs={exampleInputs} endpoints={endpoints.ok ? endpoints.data.items.map((endpoint) => endpoint.name) : []} />
    </>
  );
}
