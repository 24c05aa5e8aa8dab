import { RouteSummary } from '@/components/route-summary';
import { describeChange, describeChangeInWords, diffRouting, type Routing, type RoutingChange } from './routing-diff';

function changeTone(change: RoutingChange): string {
  if (change.from === null) return 'text-emerald-700';
  if (change.to === null) return 'text-red-700';
  return 'text-zinc-800';
}

/** A list of routing changes, one line each (`mnist@v2 10 % → 50 %`), read out in words. */
export function RoutingChanges({ changes, label, className = '' }: { changes: RoutingChange[]; label: string; className?: string }) {
  return (
    <ul aria-label={label} className={`flex flex-col gap-0.5 font-mono text-[13px] ${className}`}>
      {changes.map((change) => (
        <li key={`${change.traffic}-${change.model}@${change.version}`} className={changeTone(change)}>
          <span aria-hidden="true">{describeChange(change)}</span>
          <span className="sr-only">{describeChangeInWords(change)}</span>
        </li>
      ))}
    </ul>
  );
}

interface RoutingChangePreviewProps {
  before: Routing | null;
  after: Routing;
  /** e.g. "Now · revision 2" and "After · as revision 1". */
  beforeLabel: string;
  afterLabel: string;
}

/**
 * What a routing change does, shown before it is made: the routing now, the routing after, and
 * the difference line by line, so a confirmation says exactly what will change.
 */
export function RoutingChangePreview({ before, after, beforeLabel, afterLabel }: RoutingChangePreviewProps) {
  const changes = diffRouting(before, after);
  return (
    <div className="grid gap-3 rounded-lg border border-zinc-200 p-4">
      <div className="grid items-start gap-3 sm:grid-cols-[1fr_auto_1fr]">
        <div>
          <p className="mb-1.5 text-xs font-medium tracking-wide text-zinc-500 uppercase">{beforeLabel}</p>
          <RouteSummary revision={before} />
        </div>
        <span aria-hidden="true" className="self-center text-zinc-400">
          →
        </span>
        <div>
          <p className="mb-1.5 text-xs font-medium tracking-wide text-zinc-500 uppercase">{afterLabel}</p>
          <RouteSummary revision={after} />
        </div>
      </div>
      <div className="border-t border-zinc-100 pt-3">
        <p className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">What changes</p>
        {changes.length > 0 ? (
          <RoutingChanges changes={changes} label="What changes" />
        ) : (
          <p className="text-sm text-zinc-600">Nothing: the routing stays exactly as it is (a new revision is still written).</p>
        )}
      </div>
    </div>
  );
}
