import type { ApiKeyScopes, Caller, RateLimit, Role } from '@modelgate/contracts';

export interface PrincipalUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** An API key or personal token as the guard needs it (never the secret or its hash). */
export interface CredentialRef {
  id: string;
  name: string;
  prefix: string;
  rateLimit: RateLimit | null;
}

/** Who a request acts as, resolved once by the AuthGuard from a session cookie or a bearer token. */
export type Principal =
  | { kind: 'user'; via: 'session'; user: PrincipalUser; session: { id: string; csrfToken: string; expiresAt: Date } }
  | { kind: 'user'; via: 'personal_token'; user: PrincipalUser; credential: CredentialRef }
  | { kind: 'api_key'; credential: CredentialRef & { scopes: ApiKeyScopes } };

export const callerOf = (principal: Principal): Caller =>
  principal.kind === 'user' ? { kind: 'user', role: principal.user.role } : { kind: 'api_key', scopes: principal.credential.scopes };

/** How the audit log and `createdBy` columns name a principal. */
export const principalLabel = (principal: Principal): string =>
  principal.kind === 'user' ? principal.user.email : `api key "${principal.credential.name}" (${principal.credential.prefix})`;

/** The principal plus where the request came from: what services need to act and to audit. */
export interface RequestActor {
  principal: Principal | null;
  ip: string | null;
  requestId: string | null;
}

/** Work the platform does by itself (first admin, automatic rollbacks). */
export const SYSTEM_ACTOR: RequestActor = { principal: null, ip: null, requestId: null };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
