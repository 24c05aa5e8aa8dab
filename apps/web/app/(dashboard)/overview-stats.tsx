import type { Endpoint, ModelSummary } from '@modelgate/contracts';

export function OverviewStats({ models, endpoints }: { models: ModelSummary[]; endpoints: Endpoint[] }) {
  const versionCount = models.reduce((sum, model) => sum + model.versionCount, 0);
  const deployed = endpoints.filter((endpoint) => endpoint.activeRevision !== null).length;
  const stats = [
    { label: 'Models', value: models.length },
    { label: 'Model versions', value: versionCount },
    { label: 'Endpoints', value: endpoints.length },
    { label: 'Endpoints serving traffic', value: deployed },
  ];
  return (
    <dl className="mb-10 grid grid-cols-2 gap-4 lg:grid-cols-4">
      {stats.map((stat) => (
        <div key={stat.label} className="rounded-xl border border-zinc-200 bg-white px-5 py-4 shadow-xs">
          <dt className="text-sm text-zinc-500">{stat.label}</dt>
          <dd className="mt-1 text-3xl font-semibold tracking-tight text-zinc-950 tabular-nums">{stat.value}</dd>
        </div>
      ))}
    </dl>
  );
}
