import { ModelgateApiError, ModelgateUnreachableError, connectionFailureReason } from './errors.js';
import { parseJsonAnswer, problemFromResponse, retryAfterSeconds } from './responses.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON when given. */
  body?: unknown;
}

export interface ApiAnswer {
  response: Response;
  /** The body's text, already read: a 204 has ''. */
  text: string;
}

/**
 * Sends one request and answers the 2xx response with its body unread, for downloads streamed
 * wherever the caller wants them. Failures as for `exchange`.
 */
export async function openStream(fetchImpl: typeof globalThis.fetch, apiUrl: string, request: ApiRequest): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(request.url, { method: request.method, headers: request.headers });
  } catch (error) {
    throw new ModelgateUnreachableError(apiUrl, connectionFailureReason(error, apiUrl), { cause: error });
  }
  if (response.ok) return response;
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ModelgateUnreachableError(apiUrl, connectionFailureReason(error, apiUrl), { cause: error });
  }
  throw new ModelgateApiError(problemFromResponse(apiUrl, { status: response.status, statusText: response.statusText, body: text }), {
    retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
  });
}

/**
 * Sends one request and reads the whole answer. No answer at all becomes a ModelgateUnreachableError;
 * an error status a ModelgateApiError (with the problem the API sent, and Retry-After when given).
 */
export async function exchange(fetchImpl: typeof globalThis.fetch, apiUrl: string, request: ApiRequest): Promise<ApiAnswer> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(request.url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    text = await response.text();
  } catch (error) {
    throw new ModelgateUnreachableError(apiUrl, connectionFailureReason(error, apiUrl), { cause: error });
  }
  if (!response.ok) {
    throw new ModelgateApiError(problemFromResponse(apiUrl, { status: response.status, statusText: response.statusText, body: text }), {
      retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
    });
  }
  return { response, text };
}

/** The JSON of a 2xx answer; undefined for one without a body (204 No Content). */
export function jsonOf<T>(apiUrl: string, answer: ApiAnswer): T {
  if (answer.response.status === 204 || answer.text === '') return undefined as T;
  return parseJsonAnswer<T>(apiUrl, answer.response.status, answer.text);
}

/** `Authorization: Bearer …` when there is a token, nothing otherwise. */
export function bearer(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
