'use client';

import { Action, type StreamBindingList } from '@modelgate/contracts';
import { useState } from 'react';
import { NotAllowedButton } from '@/components/not-allowed';
import { Section } from '@/components/section';
import { useCan } from '@/components/session-provider';
import type { Loaded } from '@/lib/load-from-api';
import { CreateStreamForm } from './create-stream-form';
import { StreamBindings } from './stream-bindings';

interface StreamsViewProps {
  initial: Loaded<StreamBindingList>;
  initialAt: number;
  exampleInputs: Record<string, string>;
  endpoints: string[];
}

/** The bindings, live, and the form that adds one (which asks the list again at once). */
export function StreamsView({ initial, initialAt, exampleInputs, endpoints }: StreamsViewProps) {
  const [generation, setGeneration] = useState(0);
  const create = useCan(Action.manageEndpoints);
  return (
    <>
      <Section id="bindings" title="Bindings" description="Live every 2 seconds. Messages are acknowledged only once their prediction is stored and published.">
        <StreamBindings initial={initial} initialAt={initialAt} exampleInputs={exampleInputs} generation={generation} />
      </Section>
      <Section id="bind" title="Bind a stream" description="A consumer group on the source stream; any number of workers share its messages.">
        {create.allowed ? (
          <CreateStreamForm endpoints={endpoints} onCreated={() => setGeneration((current) => current + 1)} />
        ) : (
          <NotAllowedButton label="Bind stream" reason={create.reason} variant="primary" />
        )}
      </Section>
    </>
  );
}
