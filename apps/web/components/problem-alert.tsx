import { type Problem, ProblemCode } from '@modelgate/contracts';
import { ProblemFieldErrors } from './problem-field-errors';

/**
 * What to do about a 401 or a CSRF refusal beyond the API's own words: an expired session, or a
 * page loaded before signing in again (its CSRF token is stale). Other 403s say why in `detail`.
 */
export function AccessHint({ problem, className = 'mt-1 text-red-800' }: { problem: Problem; className?: string }) {
  if (problem.status === 401) return <p className={className}>Your session has ended: sign in again, then retry.</p>;
  if (problem.code === ProblemCode.csrf) {
    return <p className={className}>This page was loaded before your current session began: reload it, then retry.</p>;
  }
  return null;
}

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
      <AccessHint problem={problem} />
    </div>
  );
}
