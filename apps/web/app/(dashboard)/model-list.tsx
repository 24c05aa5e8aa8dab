import type { ModelSummary } from '@modelgate/contracts';
import Link from 'next/link';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { pluralize } from '@/lib/format';

export function ModelList({ models }: { models: ModelSummary[] }) {
  if (models.length === 0) {
    return (
      <EmptyState title="No models yet">
        Upload an ONNX file with{' '}
        <code className="font-mono">curl -F file=@model.onnx …/v1/models/&lt;name&gt;/versions</code>.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white shadow-xs">
      {models.map((model) => (
        <li key={model.id} className="flex flex-wrap items-start justify-between gap-3 px-5 py-4">
          <div className="min-w-0">
            <Link href={`/models/${model.name}`} className="font-medium text-indigo-700 hover:underline">
              {model.name}
            </Link>
            {model.description ? (
              <p className="mt-0.5 line-clamp-2 text-sm text-zinc-500">{model.description}</p>
            ) : null}
            <p className="mt-1 text-sm text-zinc-500">
              {pluralize(model.versionCount, 'version')} · updated <DateTime iso={model.updatedAt} />
            </p>
          </div>
          {model.latestVersion !== null ? (
            <p className="text-sm text-zinc-500">
              latest{' '}
              <Link
                href={`/models/${model.name}/versions/${model.latestVersion}`}
                className="font-mono font-medium text-indigo-700 hover:underline"
              >
                v{model.latestVersion}
              </Link>
            </p>
          ) : (
            <p className="text-sm text-zinc-500">no versions</p>
          )}
        </li>
      ))}
    </ul>
  );
}
