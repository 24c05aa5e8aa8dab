'use client';

import { PageHeader } from '@/components/page-header';

/** Last resort for errors the pages do not expect (the API's own failures are handled in place). */
export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = typeof error === 'object' && error !== null && 'digest' in error ? String(error.digest) : undefined;
  return (
    <>
      <PageHeader title="Something went wrong" />
      <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-5 text-red-900">
        <p>The dashboard failed to render this page. The server log has the details.</p>
        {digest ? <p className="mt-2 font-mono text-xs text-red-700">digest {digest}</p> : null}
        <button
          type="button"
          onClick={() => retry()}
          className="mt-4 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800"
        >
          Try again
        </button>
      </div>
    </>
  );
}
