import { ProblemCode, type PredictionOutcome } from '@modelgate/contracts';
import { QueueFullError } from '@modelgate/runtime';
import { ProblemException } from '../common/problem.exception.js';
import type { RoutedEndpoint } from '../endpoints/endpoint-routing.service.js';
import { inferenceTimeout } from './inference-dispatcher.js';

/**
 * The answer, or a 504 once the endpoint's timeoutMs has passed. A request that timed out still
 * runs (it is in a batch already); its answer is dropped.
 */
export async function answerWithin<T>(endpoint: RoutedEndpoint, answer: Promise<T>): Promise<T> {
  const { timeoutMs } = endpoint.config;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(inferenceTimeout(endpoint.name, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
    answer.catch(() => undefined);
  }
}

/** The outcome class of a failed prediction, from what the caller gets. */
export function outcomeOf(error: unknown): PredictionOutcome {
  if (error instanceof QueueFullError) return 'shed';
  if (!(error instanceof ProblemException)) return '5xx';
  if (error.code === ProblemCode.queueFull) return 'shed';
  const status = error.getStatus();
  if (status === 504) return 'timeout';
  return status >= 500 ? '5xx' : '4xx';
}
