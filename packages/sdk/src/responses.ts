import { Problem } from '@modelgate/contracts';

export interface ErrorResponse {
  status: number;
  statusText: string;
  body: string;
}

/**
 * The problem an error response carries. Something in front of the API (a proxy, a load balancer)
 * may answer with HTML or plain text instead; that still becomes a Problem, so callers handle one shape.
 */
export function problemFromResponse(apiUrl: string, response: ErrorResponse): Problem {
  try {
    const body: unknown = JSON.parse(response.body);
    // The body itself, not zod's copy: RFC 9457 allows extension members, which a copy would drop.
    if (Problem.safeParse(body).success) return body as Problem;
  } catch {
    // not JSON: described below
  }
  const firstLine = response.body.trim().split('\n')[0]?.slice(0, 200) ?? '';
  const answered = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return {
    type: 'about:blank',
    title: response.statusText || 'Error',
    status: response.status,
    detail: `the Modelgate API at ${apiUrl} answered ${answered}${firstLine ? `: ${firstLine}` : ''}`,
    code: 'unexpected_response',
  };
}

/** A 2xx that is not JSON means something other than the API answered (a proxy's page, say). */
export function parseJsonAnswer<T>(apiUrl: string, status: number, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`the Modelgate API at ${apiUrl} answered ${status} with a body that is not JSON: ${text.trim().slice(0, 200)}`);
  }
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in whole seconds: either delay-seconds or an HTTP date.
 * Undefined when absent or unreadable; never negative.
 */
export function retryAfterSeconds(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
