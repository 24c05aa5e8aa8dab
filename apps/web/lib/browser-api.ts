import { CSRF_COOKIE, CSRF_HEADER, type Problem } from '@modelgate/contracts';
import { readProblem } from './problem';

/**
 * How client components call the API: through the dashboard's own `/api/v1` proxy (server.mjs),
 * never the API origin, so the session cookie goes along.
 */

export const PROXY_BASE = '/api/v1';

export function modelVersionPath(model: string, version: number): string {
  return `${PROXY_BASE}/models/${encodeURIComponent(model)}/versions/${version}`;
}

export function endpointPath(endpoint: string): string {
  return `${PROXY_BASE}/endpoints/${encodeURIComponent(endpoint)}`;
}

export function batchJobPath(id: string): string {
  return `${PROXY_BASE}/batch-jobs/${encodeURIComponent(id)}`;
}

export function streamPath(id: string): string {
  return `${PROXY_BASE}/streams/${encodeURIComponent(id)}`;
}

export type ApiFailureResult = {
  ok: false;
  problem: Problem;
  /** Seconds from `Retry-After` on a 429 or 503: how long to wait before trying again. */
  retryAfterSeconds?: number;
};

/** `headers`: the answer's, e.g. which version served a prediction (`X-Modelgate-*`). */
export type ApiResult<T> = { ok: true; status: number; data: T; headers: Headers } | ApiFailureResult;

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CallApiOptions {
  /** Headers beyond the usual ones, e.g. `X-Modelgate-Version` to pin a routed version. */
  headers?: Record<string, string>;
  /**
   * `body` is JSON text to send exactly as written, not a value to encode: the Try it console
   * lets the API judge a hand-typed request, so a typo gets the API's own 400.
   */
  bodyIsJsonText?: boolean;
}

export async function callApi<T>(method: ApiMethod, path: string, body?: unknown, options: CallApiOptions = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
        ...(method === 'GET' ? {} : csrfHeaders()),
      },
      body: body === undefined ? undefined : options.bodyIsJsonText ? String(body) : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (error) {
    return { ok: false, problem: unreachableProblem(error instanceof Error ? error.message : String(error)) };
  }
  const text = await response.text();
  if (!response.ok) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    return {
      ok: false,
      problem: readProblem(response.status, response.statusText, text),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
  // 204 (logout) has no body to read.
  if (text === '') return { ok: true, status: response.status, data: undefined as T, headers: response.headers };
  try {
    return { ok: true, status: response.status, data: JSON.parse(text) as T, headers: response.headers };
  } catch {
    return {
      ok: false,
      problem: readProblem(502, 'Unreadable API response', `${method} ${path} answered ${response.status} with a body that is not JSON`),
    };
  }
}

/**
 * The API refuses a change made with the session cookie unless it also carries the CSRF token,
 * which it hands out in a cookie only this origin's scripts can read: a forged cross-site form
 * sends the session cookie but cannot know the token.
 */
export function csrfHeaders(): Record<string, string> {
  const token = readCookie(CSRF_COOKIE);
  return token ? { [CSRF_HEADER]: token } : {};
}

function readCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    if (part.slice(0, separator).trim() === name) return decodeURIComponent(part.slice(separator + 1).trim());
  }
  return undefined;
}

/** `Retry-After` is either seconds or an HTTP date; both become whole seconds from now. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The request never got an answer: the dashboard's own server is down or the network dropped. */
export function unreachableProblem(reason: string): Problem {
  return {
    type: 'about:blank',
    title: 'No answer',
    status: 0,
    detail: `The dashboard server did not answer (${reason}). Check that it is running and reload the page.`,
    code: 'network_error',
  };
}
