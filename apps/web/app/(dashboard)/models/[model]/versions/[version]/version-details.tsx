import type { VersionMetadata } from '@modelgate/contracts';
import type { ReactNode } from 'react';
import { Badge } from '@/components/badge';
import { formatRequestJson } from '@/lib/predict-example';

/** The metadata people attach to a version (at upload or with "Edit details"), read-only. */
export function VersionDetails({ metadata }: { metadata: VersionMetadata }) {
  const tags = metadata.tags ?? [];
  const metrics = Object.entries(metadata.metrics ?? {});
  return (
    <dl className="grid gap-4 rounded-xl border border-zinc-200 bg-white px-5 py-4 text-sm shadow-xs">
      <Detail label="Description">
        {metadata.description ? (
          <p className="whitespace-pre-line text-zinc-900">{metadata.description}</p>
        ) : (
          <None>No description</None>
        )}
      </Detail>
      <Detail label="Tags">
        {tags.length > 0 ? (
          <div className="flex flex-wrap gap-1.5">
            {tags.map((tag) => (
              <Badge key={tag} tone="accent">
                {tag}
              </Badge>
            ))}
          </div>
        ) : (
          <None>No tags</None>
        )}
      </Detail>
      <Detail label="Metrics">
        {metrics.length > 0 ? (
          <ul className="flex flex-wrap gap-x-6 gap-y-1">
            {metrics.map(([name, value]) => (
              <li key={name}>
                <span className="text-zinc-500">{name}</span>{' '}
                <span className="font-mono">{typeof value === 'string' ? value : JSON.stringify(value)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <None>No metrics</None>
        )}
      </Detail>
      <Detail label="Sample input">
        {metadata.sampleInput ? (
          <pre className="max-h-48 overflow-auto rounded-lg bg-zinc-50 p-3 font-mono text-[13px] whitespace-pre-wrap break-all text-zinc-800">
            {formatRequestJson(metadata.sampleInput)}
          </pre>
        ) : (
          <None>None: the request under “Try it” is built from the signature</None>
        )}
      </Detail>
    </dl>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1">{children}</dd>
    </div>
  );
}

function None({ children }: { children: ReactNode }) {
  return <span className="text-zinc-500">{children}</span>;
}
