import { DateTime } from '@/components/date-time';

export function ArchivedBanner({ archivedAt }: { archivedAt: string }) {
  return (
    <section aria-labelledby="archived-heading" className="mb-8 rounded-xl border border-zinc-300 bg-zinc-100 p-5 text-zinc-800">
      <h2 id="archived-heading" className="flex items-center gap-2 font-semibold">
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 text-zinc-500" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round">
          <rect x="3" y="4" width="14" height="4" rx="1" />
          <path d="M4.5 8v7a1 1 0 0 0 1 1h9a1 1 0 0 0 1-1V8M8 11h4" strokeLinecap="round" />
        </svg>
        Archived <DateTime iso={archivedAt} />
      </h2>
      <p className="mt-1 text-sm text-zinc-700">
        This version keeps its number, artifact and history, but no endpoint can be deployed to it any more.
      </p>
    </section>
  );
}
