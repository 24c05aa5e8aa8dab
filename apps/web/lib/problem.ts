import type { Problem } from '@modelgate/contracts';

/**
 * Reading the API's RFC 9457 answers, on the server (api-client) and in the browser (forms that
 * call the API through the /api/v1 proxy) alike.
 */

/** The problem in a response body, or one describing the status when the body is not one. */
export function readProblem(status: number, statusText: string, text: string): Problem {
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body.title === 'string') {
      return {
        type: body.type ?? 'about:blank',
        title: body.title,
        status: typeof body.status === 'number' ? body.status : status,
        detail: body.detail ?? '',
        code: body.code ?? `http_${status}`,
        ...(body.errors ? { errors: body.errors } : {}),
      };
    }
  } catch {
    // Not problem+json (a proxy's HTML error page, say): describe the status instead.
  }
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    detail: text.slice(0, 300),
    code: `http_${status}`,
  };
}

/** Why fetch threw, in words: undici hides the useful part (ECONNREFUSED …) in `cause`. */
export function describeFetchFailure(error: unknown, timeoutMs?: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return timeoutMs ? `no answer within ${timeoutMs / 1000} s` : 'no answer in time';
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return cause.message;
    return error.message;
  }
  return String(error);
}
