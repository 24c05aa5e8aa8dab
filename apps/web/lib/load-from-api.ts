import type { Problem } from '@modelgate/contracts';
import { notFound } from 'next/navigation';
import { ApiProblemError, ApiUnreachableError } from './api-client';
import { redirectToSignIn } from './sign-in-redirect';

/** Why a page could not get its data, as plain data a component can render. */
export type ApiFailure =
  | { kind: 'unreachable'; apiUrl: string; reason: string }
  | { kind: 'problem'; problem: Problem };

export type Loaded<T> = { ok: true; data: T } | { ok: false; failure: ApiFailure };

interface LoadOptions {
  /**
   * A 404 for the thing a page is about is the page's own 404 (the default). For secondary data,
   * such as the version an endpoint routes to, pass `false` to get the failure back instead.
   */
  notFoundIsPage?: boolean;
}

/**
 * Awaits an API call and turns the expected failures into values; anything else still throws.
 * A 401 means the session is gone (expired, revoked, signed out elsewhere): back to the login page.
 */
export async function loadFromApi<T>(call: Promise<T>, options: LoadOptions = {}): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await call };
  } catch (error) {
    if (error instanceof ApiUnreachableError) {
      return { ok: false, failure: { kind: 'unreachable', apiUrl: error.apiUrl, reason: error.reason } };
    }
    if (error instanceof ApiProblemError) {
      if (error.problem.status === 401) return redirectToSignIn();
      if (error.problem.status === 404 && (options.notFoundIsPage ?? true)) notFound();
      return { ok: false, failure: { kind: 'problem', problem: error.problem } };
    }
    throw error;
  }
}
