import type { Role } from '@modelgate/contracts';
import { issuePersonalToken } from '../../../../scripts/lib/sign-in.mjs';
import type { TestStack } from './test-stack.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** A personal token of the user. */
  token: string;
}

/** Creates a user through the admin API and signs in as them (personal token). */
export async function createUser(stack: TestStack, role: Role, email = `${role.replace('_', '-')}-${Math.random().toString(36).slice(2, 8)}@modelgate.test`): Promise<TestUser> {
  const password = `pw-${role}-${Math.random().toString(36).slice(2)}`;
  const created = await stack.api('POST', '/v1/users', { email, role, password, name: role });
  if (created.status !== 201) throw new Error(`creating ${email}: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  const token = await issuePersonalToken(stack.apiUrl, { email, password, name: 'test' });
  return { id: created.body.id, email, password, token: token.secret };
}

/** Creates an application key through the admin API; returns the creation response (with `secret`). */
export async function createApiKey(stack: TestStack, body: Record<string, unknown>) {
  const created = await stack.api('POST', '/v1/api-keys', body);
  if (created.status !== 201) throw new Error(`creating API key: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  return created.body as { id: string; prefix: string; secret: string };
}

/** Signs in with email and password; returns the cookie header and CSRF token of the session. */
export async function signIn(apiUrl: string, email: string, password: string) {
  const response = await fetch(new URL('/v1/auth/login', apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as any;
  const setCookies = response.headers.getSetCookie();
  const session = setCookies.find((line) => line.startsWith('modelgate_session='))?.split(';')[0];
  return { status: response.status, body, setCookies, cookie: session ?? '', csrfToken: body.csrfToken as string };
}
