import type { Problem } from '@modelgate/contracts';
import { ProblemFieldErrors } from './problem-field-errors';

/**
 * An API refusal shown in place, next to the form that caused it: what failed, the status and the
 * API's own `detail` (which says what to fix). Page-level failures use ApiErrorPanel instead.
 */
export function ProblemAlert({ heading, problem }: { heading: string; problem: Problem }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">
        {heading}
        {problem.status > 0 ? (
          <span className="font-normal text-red-700">
            {' '}
            — {problem.status} {problem.title}
          </span>
        ) : null}
      </p>
      {problem.detail ? <p className="mt-1 break-words text-red-800">{problem.detail}</p> : null}
      <ProblemFieldErrors errors={problem.errors} className="mt-1" />
      {problem.status === 401 || problem.status === 403 ? (
        <p className="mt-1 text-red-800">Your session may have expired: sign in again, then retry.</p>
      ) : null}
    </div>
  );
}
