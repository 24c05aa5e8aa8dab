import type { Problem } from '@modelgate/contracts';

/**
 * The API answered with an error. `problem` is its RFC 9457 body; the message is the problem's
 * `detail`, which the API writes to say what to fix.
 */
export class ModelgateApiError extends Error {
  override readonly name = 'ModelgateApiError';
  readonly status: number;
  /** From `Retry-After` (429 rate limited, 503 queue full): how long to wait before trying again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly problem: Problem,
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(problem.detail);
    this.status = problem.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Nothing answered at the API URL (refused, unknown host, reset…): a setup problem, not an API error. */
export class ModelgateUnreachableError extends Error {
  override readonly name = 'ModelgateUnreachableError';

  constructor(
    readonly apiUrl: string,
    /** The system's reason, e.g. ECONNREFUSED or ENOTFOUND. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the Modelgate API at ${apiUrl} is not answering: ${reason}`, options);
  }
}

interface ErrorWithCode {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * The most specific reason a connection failed. Node's fetch wraps it ("fetch failed" → cause
 * ECONNREFUSED), and a host with several addresses gives an AggregateError of per-address failures.
 */
export function connectionFailureReason(error: unknown, apiUrl?: string): string {
  const reason = innermostReason(error);
  // fetch never connects to a few ports (https://fetch.spec.whatwg.org/#bad-port), 9 among them.
  if (reason === 'bad port' && apiUrl) {
    const port = new URL(apiUrl).port;
    return `fetch never connects to port ${port} (on the fetch standard's list of blocked ports): run the API on another port`;
  }
  return reason;
}

function innermostReason(error: unknown): string {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const candidate = current as ErrorWithCode;
    if (typeof candidate.code === 'string' && /^E[A-Z_]+$/.test(candidate.code)) return candidate.code;
    const first = Array.isArray(candidate.errors) ? (candidate.errors[0] as ErrorWithCode | undefined) : undefined;
    if (typeof first?.code === 'string') return first.code;
    if (!candidate.cause) return typeof candidate.message === 'string' && candidate.message ? candidate.message : String(current);
    current = candidate.cause;
  }
  return String(error);
}
