import type { VersionMetadata as Metadata } from '@modelgate/contracts';
import { Badge } from '@/components/badge';
import { Section } from '@/components/section';

/** The free metadata attached at upload: tags and metrics (the description is in the header). */
export function VersionMetadata({ metadata }: { metadata: Metadata }) {
  const tags = metadata.tags ?? [];
  const metrics = Object.entries(metadata.metrics ?? {});
  if (tags.length === 0 && metrics.length === 0) return null;
  return (
    <Section id="metadata" title="Metadata" description="Attached by whoever uploaded this version.">
      <dl className="grid gap-4 rounded-xl border border-zinc-200 bg-white px-5 py-4 text-sm shadow-xs">
        {tags.length > 0 ? (
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Tags</dt>
            <dd className="mt-1 flex flex-wrap gap-1.5">
              {tags.map((tag) => (
                <Badge key={tag} tone="accent">
                  {tag}
                </Badge>
              ))}
            </dd>
          </div>
        ) : null}
        {metrics.length > 0 ? (
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Metrics</dt>
            <dd className="mt-1">
              <ul className="flex flex-wrap gap-x-6 gap-y-1">
                {metrics.map(([name, value]) => (
                  <li key={name}>
                    <span className="text-zinc-500">{name}</span>{' '}
                    <span className="font-mono">{typeof value === 'string' ? value : JSON.stringify(value)}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>
    </Section>
  );
}
