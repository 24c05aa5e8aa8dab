'use client';

import { type Problem, ProblemCode } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { ProblemAlert } from '@/components/problem-alert';

interface RoutingProblemAlertProps {
  heading: string;
  problem: Problem;
  /** The page shows the endpoint's newest revision now: the refusal no longer applies. */
  onReloaded: () => void;
}

/**
 * A refused routing change. When it was refused because the endpoint moved on meanwhile
 * (409 stale_revision: someone else, or a rollout, wrote a revision), the API's words plus a way
 * to load the newest revision, after which the change can be reviewed and sent again.
 */
export function RoutingProblemAlert({ heading, problem, onReloaded }: RoutingProblemAlertProps) {
  const router = useRouter();
  const [reloading, startReload] = useTransition();
  const asked = useRef(false);

  useEffect(() => {
    if (asked.current && !reloading) {
      asked.current = false;
      onReloaded();
    }
  }, [reloading, onReloaded]);

  if (problem.code !== ProblemCode.staleRevision) return <ProblemAlert heading={heading} problem={problem} />;
  return (
    <div className="grid gap-2">
      <ProblemAlert heading={heading} problem={problem} />
      <div>
        <button
          type="button"
          disabled={reloading}
          onClick={() => {
            asked.current = true;
            startReload(() => router.refresh());
          }}
          className={buttonClasses('secondary')}
        >
          {reloading ? 'Reloading…' : 'Reload the newest revision'}
        </button>
      </div>
    </div>
  );
}
