import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'green' | 'red' | 'amber' | 'accent';

const toneClasses: Record<BadgeTone, string> = {
  neutral: 'bg-zinc-100 text-zinc-700 ring-zinc-200',
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  red: 'bg-red-50 text-red-700 ring-red-200',
  amber: 'bg-amber-50 text-amber-800 ring-amber-200',
  accent: 'bg-indigo-50 text-indigo-700 ring-indigo-200',
};

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${toneClasses[tone]}`}
    >
      {children}
    </span>
  );
}

export function VersionStatusBadge({ status }: { status: 'ready' | 'failed' }) {
  return <Badge tone={status === 'ready' ? 'green' : 'red'}>{status}</Badge>;
}
