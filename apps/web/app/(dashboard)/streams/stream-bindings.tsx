'use client';

import { Action, type Problem, type StreamBinding, type StreamBindingList, type StreamDeleted } from '@modelgate/contracts';
import { type ReactNode, useRef, useState } from 'react';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { Badge } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { CodeBlock } from '@/components/code-block';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { ModalDialog } from '@/components/modal-dialog';
import { NotAllowedButton } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan } from '@/components/session-provider';
import { usePolledApi } from '@/components/use-polled-api';
import { callApi, PROXY_BASE, streamPath } from '@/lib/browser-api';
import type { Loaded } from '@/lib/load-from-api';
import { formatCount, formatRps } from '@/lib/metrics-format';
import { PLACEHOLDER_INPUTS, streamPublishCommands } from '@/lib/stream-example';

/** Lag and throughput move by the second. */
export const STREAMS_POLL_MS = 2_000;

interface StreamBindingsProps {
  initial: Loaded<StreamBindingList>;
  initialAt: number;
  /** Endpoint name → the `inputs` JSON of an example message for it (from its primary version). */
  exampleInputs: Record<string, string>;
  /** Bumped by the create form: the list is asked again at once. */
  generation: number;
}

/** Every binding, live: how far behind it is, how fast it goes, what it scored and what failed. */
export function StreamBindings({ initial, initialAt, exampleInputs, generation }: StreamBindingsProps) {
  const [changes, setChanges] = useState(0);
  const polled = usePolledApi<StreamBindingList>({
    key: `streams-${generation}-${changes}`,
    path: () => `${PROXY_BASE}/streams`,
    intervalMs: STREAMS_POLL_MS,
    initial,
    initialKey: 'streams-0-0',
    initialAt,
  });
  const { data, failure } = polled;
  if (!data) return failure ? <ApiErrorPanel failure={failure} /> : null;
  if (data.items.length === 0) {
    return (
      <EmptyState title="No stream is bound yet">
        Bind a Redis Stream to an endpoint below: every message published to it is scored, stored, and published to its sink.
      </EmptyState>
    );
  }
  return (
    <div className="grid gap-4">
      {failure ? (
        <p role="status" className="text-sm text-amber-800">
          Could not refresh ({failure.kind === 'problem' ? `${failure.problem.status} ${failure.problem.title}` : 'the API is not answering'}); showing the last
          figures received.
        </p>
      ) : null}
      {data.items.map((binding) => (
        <StreamCard
          key={binding.id}
          binding={binding}
          inputsJson={exampleInputs[binding.endpoint] ?? PLACEHOLDER_INPUTS}
          onChanged={() => setChanges((current) => current + 1)}
        />
      ))}
    </div>
  );
}

function StreamCard({ binding, inputsJson, onChanged }: { binding: StreamBinding; inputsJson: string; onChanged: () => void }) {
  const headingId = `stream-${binding.id}`;
  return (
    <section aria-labelledby={headingId} className="grid gap-4 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs">
      <div className="flex flex-wrap items-center gap-3">
        <h3 id={headingId} className="font-mono text-base font-semibold text-zinc-950">
          {binding.name}
        </h3>
        <Badge tone={binding.status === 'active' ? 'green' : 'amber'}>{binding.status}</Badge>
        <span className="text-sm text-zinc-600">
          → endpoint <span className="font-mono">{binding.endpoint}</span>
        </span>
        <span className="flex flex-wrap gap-2 sm:ml-auto">
          <PauseOrResume binding={binding} onChanged={onChanged} />
          <DeleteBinding binding={binding} onChanged={onChanged} />
        </span>
      </div>

      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Lag" hint="messages not yet delivered to the group">
          {binding.lag === null ? '—' : formatCount(binding.lag)}
        </Figure>
        <Figure label="Pending" hint="delivered, not acknowledged yet">
          {binding.pending === null ? '—' : formatCount(binding.pending)}
        </Figure>
        <Figure label="Throughput" hint="messages/s over the last minute">
          {formatRps(binding.throughput)} /s
        </Figure>
        <Figure label="Scored">{formatCount(binding.scored)}</Figure>
        <Figure label="Failed">{formatCount(binding.failed)}</Figure>
        <Figure label="Consumers" hint="worker processes reading">
          {binding.consumers === null ? '—' : formatCount(binding.consumers)}
        </Figure>
      </dl>

      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Source (XADD here)</dt>
          <dd className="mt-0.5 font-mono break-all text-zinc-900">{binding.sourceKey}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Sink (predictions)</dt>
          <dd className="mt-0.5 font-mono break-all text-zinc-900">{binding.sinkKey}</dd>
        </div>
      </dl>

      {binding.lastError ? (
        <p className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <span className="font-semibold">Last failure</span>
          {binding.lastErrorAt ? (
            <>
              {' '}
              (<DateTime iso={binding.lastErrorAt} />)
            </>
          ) : null}
          : {binding.lastError}
        </p>
      ) : null}

      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-indigo-700">Publish a message and read its prediction</summary>
        <div className="mt-3">
          <CodeBlock
            title="redis-cli"
            code={streamPublishCommands({ sourceKey: binding.sourceKey, sinkKey: binding.sinkKey, inputsJson })}
            copyLabel={`Copy the commands for ${binding.name}`}
          />
        </div>
      </details>
      <p className="text-xs text-zinc-500">
        Consumer group <span className="font-mono">{binding.group}</span> · bound <DateTime iso={binding.createdAt} />
        {binding.createdBy ? ` by ${binding.createdBy}` : ''}
      </p>
    </section>
  );
}

function Figure({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase" title={hint}>
        {label}
      </dt>
      <dd className="mt-0.5 text-lg font-semibold text-zinc-950 tabular-nums">{children}</dd>
    </div>
  );
}

function PauseOrResume({ binding, onChanged }: { binding: StreamBinding; onChanged: () => void }) {
  const allowed = useCan(Action.manageEndpoints);
  const [problem, setProblem] = useState<Problem>();
  const [pending, setPending] = useState(false);
  const action = binding.status === 'active' ? 'pause' : 'resume';
  const label = action === 'pause' ? 'Pause' : 'Resume';
  if (!allowed.allowed) return <NotAllowedButton label={label} reason={allowed.reason} />;

  async function change() {
    setPending(true);
    const result = await callApi<StreamBinding>('POST', `${streamPath(binding.id)}/${action}`);
    setPending(false);
    setProblem(result.ok ? undefined : result.problem);
    if (result.ok) onChanged();
  }

  return (
    <span className="grid gap-2">
      <button type="button" onClick={change} disabled={pending} className={buttonClasses('secondary')} aria-label={`${label} ${binding.name}`}>
        {pending ? (action === 'pause' ? 'Pausing…' : 'Resuming…') : label}
      </button>
      {problem ? <ProblemAlert heading={`${binding.name} was not ${action}d`} problem={problem} /> : null}
    </span>
  );
}

function DeleteBinding({ binding, onChanged }: { binding: StreamBinding; onChanged: () => void }) {
  const allowed = useCan(Action.manageEndpoints);
  const dialog = useRef<HTMLDialogElement>(null);
  const [problem, setProblem] = useState<Problem>();
  const [pending, setPending] = useState(false);
  const [deleted, setDeleted] = useState<StreamDeleted>();
  if (!allowed.allowed) return <NotAllowedButton label="Delete" reason={allowed.reason} />;

  async function remove() {
    setPending(true);
    setProblem(undefined);
    const result = await callApi<StreamDeleted>('DELETE', streamPath(binding.id));
    setPending(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setDeleted(result.data);
    // When Redis could not drop the group, the dialog stays open to say how to remove it by hand.
    if (result.data.groupDestroyed) {
      dialog.current?.close();
      onChanged();
    }
  }

  return (
    <>
      <button
        type="button"
        onClick={() => {
          setProblem(undefined);
          setDeleted(undefined);
          dialog.current?.showModal();
        }}
        className={buttonClasses('secondary')}
        aria-label={`Delete ${binding.name}`}
      >
        Delete
      </button>
      <ModalDialog dialog={dialog} title={`Delete the binding ${binding.name}?`} onClose={() => (deleted ? onChanged() : undefined)}>
        <p className="text-sm text-zinc-700">
          Its consumer group <span className="font-mono">{binding.group}</span> and the predictions it stored go. The streams themselves stay, with their
          messages: <span className="font-mono break-all">{binding.sourceKey}</span> and <span className="font-mono break-all">{binding.sinkKey}</span>.
        </p>
        {deleted && !deleted.groupDestroyed ? (
          <p role="status" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            Deleted. {deleted.detail}
          </p>
        ) : null}
        {problem ? <ProblemAlert heading="The binding was not deleted" problem={problem} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
            {deleted ? 'Close' : 'Keep it'}
          </button>
          {deleted ? null : (
            <button type="button" onClick={remove} disabled={pending} className={buttonClasses('danger')}>
              {pending ? 'Deleting…' : 'Delete binding'}
            </button>
          )}
        </div>
      </ModalDialog>
    </>
  );
}
