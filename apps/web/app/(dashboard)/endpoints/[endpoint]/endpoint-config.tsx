import type { EndpointConfig as Config } from '@modelgate/contracts';
import type { ReactNode } from 'react';
import { formatDuration } from '@/lib/format';

const placementHelp: Record<Config['placement'], string> = {
  worker: 'BullMQ worker pool',
  gateway: 'in the API process',
};

export function EndpointConfig({ config }: { config: Config }) {
  return (
    <dl className="grid gap-x-8 gap-y-5 rounded-xl border border-zinc-200 bg-white px-5 py-4 shadow-xs sm:grid-cols-2 lg:grid-cols-4">
      <Setting label="Placement">
        {config.placement} <span className="text-zinc-500">({placementHelp[config.placement]})</span>
      </Setting>
      <Setting label="Max batch size">{config.batching.maxBatchSize}</Setting>
      <Setting label="Max batch delay">{formatDuration(config.batching.maxDelayMs)}</Setting>
      <Setting label="Min replicas">
        {config.scaling.minReplicas}{' '}
        {config.scaling.minReplicas === 0 ? <span className="text-zinc-500">(scales to zero)</span> : null}
      </Setting>
      <Setting label="Idle timeout">{formatDuration(config.scaling.idleTimeoutSec * 1000)}</Setting>
      <Setting label="Request timeout">{formatDuration(config.timeoutMs)}</Setting>
      <Setting label="Max queue depth">{config.maxQueueDepth.toLocaleString('en-US')}</Setting>
    </dl>
  );
}

function Setting({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-900 tabular-nums">{children}</dd>
    </div>
  );
}
