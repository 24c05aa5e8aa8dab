import type { Problem } from '@modelgate/contracts';
import { readProblem } from './problem';

/**
 * How client components call the API: through the dashboard's own `/api/v1` proxy (see
 * app/api/v1/[...path]/route.ts), never the API origin, so the session cookie goes along.
 */

export const PROXY_BASE = '/api/v1';

export function modelVersionPath(model: string, version: number): string {
  return `${PROXY_BASE}/models/${encodeURIComponent(model)}/versions/${version}`;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; problem: Problem };

export async function callApi<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (error) {
    return { ok: false, problem: unreachableProblem(error instanceof Error ? error.message : String(error)) };
  }
  const text = await response.text();
  if (!response.ok) return { ok: false, problem: readProblem(response.status, response.statusText, text) };
  try {
    return { ok: true, status: response.status, data: JSON.parse(text) as T };
  } catch {
    return {
      ok: false,
      problem: readProblem(502, 'Unreadable API response', `${method} ${path} answered ${response.status} with a body that is not JSON`),
    };
  }
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
