import type { ApiFailure } from '@/lib/load-from-api';
import { AccessHint } from './problem-alert';
import { ProblemFieldErrors } from './problem-field-errors';

/** What a page shows instead of its data when the API cannot give it. */
export function ApiErrorPanel({ failure }: { failure: ApiFailure }) {
  if (failure.kind === 'unreachable') {
    return (
      <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-5 text-red-900">
        <p className="font-semibold">
          The Modelgate API at <code className="font-mono">{failure.apiUrl}</code> is not answering — start it with{' '}
          <code className="rounded bg-red-100 px-1.5 py-0.5 font-mono">npm run dev</code>
        </p>
        <p className="mt-2 text-sm text-red-800">
          Cause: {failure.reason}. If the API runs elsewhere, set <code className="font-mono">MODELGATE_API_URL</code>{' '}
          for the dashboard, then reload this page.
        </p>
      </div>
    );
  }

  const { problem } = failure;
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-5 text-red-900">
      <p className="font-semibold">
        The Modelgate API answered {problem.status}: {problem.title}
      </p>
      {problem.detail ? <p className="mt-2 text-sm text-red-800">{problem.detail}</p> : null}
      <ProblemFieldErrors errors={problem.errors} className="mt-2 text-sm" />
      <AccessHint problem={problem} className="mt-2 text-sm text-red-800" />
      <p className="mt-2 font-mono text-xs text-red-700">{problem.code}</p>
    </div>
  );
}
