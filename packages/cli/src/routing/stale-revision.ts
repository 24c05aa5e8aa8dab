import { ProblemCode } from '@modelgate/contracts';
import { ModelgateApiError } from '@modelgate/sdk';
import { CliError } from '../cli-error.js';

/**
 * A 409 `stale_revision`: the endpoint changed between reading it and changing it. The API's
 * detail speaks of `expectedRevision`; this adds what to do on the command line.
 */
export class StaleRevisionError extends CliError {
  constructor(apiError: ModelgateApiError, endpoint: string) {
    super(
      `${apiError.problem.detail}\n  someone (or a rollout) changed "${endpoint}" meanwhile: \`modelgate revisions ${endpoint}\` shows what changed; run the command again (without --expected-revision it applies to the revision active then)`,
      { cause: apiError },
    );
  }
}

/** Runs a routing change, turning a stale expectedRevision into a StaleRevisionError. */
export async function explainingStaleRevision<T>(endpoint: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof ModelgateApiError && error.problem.code === ProblemCode.staleRevision) throw new StaleRevisionError(error, endpoint);
    throw error;
  }
}
