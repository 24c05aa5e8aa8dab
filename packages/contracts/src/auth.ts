import { z } from 'zod';
import { EndpointName } from './names.js';

export const Role = z.enum(['admin', 'data_scientist', 'viewer']);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = { admin: 'Admin', data_scientist: 'Data scientist', viewer: 'Viewer' };

/** Passwords people choose; the first admin's env password follows the same rule. */
export const Password = z.string().min(12, 'passwords are at least 12 characters').max(1024, 'passwords are at most 1024 characters');
export const Email = z.email('an email address such as ada@example.com').transform((email) => email.toLowerCase());

export const LoginBody = z.object({ email: z.string().min(1, 'the email is required'), password: z.string().min(1, 'the password is required') }).strict();
export type LoginBody = z.infer<typeof LoginBody>;

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  disabledAt: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;
export const UserList = z.object({ items: z.array(User) });
export type UserList = z.infer<typeof UserList>;

export const CreateUserBody = z
  .object({ email: Email, name: z.string().max(200).default(''), role: Role, password: Password })
  .strict();
export type CreateUserBody = z.input<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({ name: z.string().max(200).optional(), role: Role.optional(), password: Password.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one of name, role, password, disabled');
export type UpdateUserBody = z.input<typeof UpdateUserBody>;

/**
 * What an application key may do: predict on the named endpoints (`["*"]` for all of them) and,
 * optionally, read the registry and endpoints. Nothing else, whatever the scopes say.
 */
export const ApiKeyScopes = z
  .object({
    predict: z.array(z.union([z.literal('*'), EndpointName])).max(100).default([]),
    read: z.boolean().default(false),
  })
  .strict()
  .refine((scopes) => scopes.predict.length > 0 || scopes.read, 'a key needs at least one scope: predict on an endpoint (or "*"), or read');
export type ApiKeyScopes = z.infer<typeof ApiKeyScopes>;

/** Token bucket: `perSecond` tokens refill each second, up to `burst`. */
export const RateLimit = z.object({ perSecond: z.number().positive().max(100_000), burst: z.number().int().min(1).max(1_000_000) }).strict();
export type RateLimit = z.infer<typeof RateLimit>;

const FutureDate = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 date-time such as 2027-01-31T00:00:00Z' })
  .refine((value) => Date.parse(value) > Date.now(), 'the expiry must be in the future');

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1, 'name the key after the application that will use it').max(200),
    scopes: ApiKeyScopes,
    expiresAt: FutureDate.optional(),
    /** Overrides the deployment-wide default (MODELGATE_RATE_LIMIT_PER_SEC / _BURST). */
    rateLimit: RateLimit.optional(),
  })
  .strict();
export type CreateApiKeyBody = z.input<typeof CreateApiKeyBody>;

export const CreatePersonalTokenBody = z
  .object({ name: z.string().trim().min(1, 'name the token after where it will be used, e.g. "laptop CLI"').max(200), expiresAt: FutureDate.optional() })
  .strict();
export type CreatePersonalTokenBody = z.input<typeof CreatePersonalTokenBody>;

export const CredentialKind = z.enum(['api_key', 'personal_token']);
export type CredentialKind = z.infer<typeof CredentialKind>;

/** An API key or personal token as listed: never its secret, which is shown once at creation. */
export const ApiKey = z.object({
  id: z.string(),
  kind: CredentialKind,
  name: z.string(),
  /** The visible start of the secret (`mgk_3fA9xQ2p`), to recognise a key in logs and configs. */
  prefix: z.string(),
  /** Application keys only; a personal token acts with its owner's role. */
  scopes: ApiKeyScopes.nullable(),
  rateLimit: RateLimit.nullable(),
  owner: z.string().nullable(),
  createdBy: z.string().nullable(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiKey = z.infer<typeof ApiKey>;
export const ApiKeyList = z.object({ items: z.array(ApiKey) });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

/** The creation response: the only time the secret is ever shown. */
export const CreatedApiKey = ApiKey.extend({ secret: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** Who is calling: `GET /v1/auth/me`, and the body of a successful login. */
export const WhoAmI = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    user: User,
    via: z.enum(['session', 'personal_token']),
    /** Session callers send it back as `X-CSRF-Token` on every change (also in the `modelgate_csrf` cookie). */
    csrfToken: z.string().nullable(),
    sessionExpiresAt: z.string().nullable(),
  }),
  z.object({ kind: z.literal('api_key'), apiKey: ApiKey }),
]);
export type WhoAmI = z.infer<typeof WhoAmI>;

export const SESSION_COOKIE = 'modelgate_session';
export const CSRF_COOKIE = 'modelgate_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const AuditOutcome = z.enum(['success', 'denied', 'throttled']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;
export const ActorType = z.enum(['user', 'api_key', 'anonymous', 'system']);
export type ActorType = z.infer<typeof ActorType>;

export const AuditEvent = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  outcome: AuditOutcome,
  actor: z.object({ type: ActorType, id: z.string().nullable(), label: z.string() }),
  ip: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  detail: z.string(),
  requestId: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z
  .object({
    action: z.string().max(100).optional(),
    actor: z.string().max(320).optional(),
    targetType: z.string().max(100).optional(),
    target: z.string().max(320).optional(),
    outcome: AuditOutcome.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().regex(/^\d+$/, 'a cursor from a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditList = z.object({ items: z.array(AuditEvent), nextCursor: z.string().nullable() });
export type AuditList = z.infer<typeof AuditList>;

/** Every audited action, so filters and the dashboard can offer them. */
export const AuditAction = {
  login: 'auth.login',
  loginFailed: 'auth.login_failed',
  logout: 'auth.logout',
  versionUpload: 'model.version.upload',
  versionUpdate: 'model.version.update',
  versionArchive: 'model.version.archive',
  endpointCreate: 'endpoint.create',
  endpointUpdate: 'endpoint.update',
  endpointDeploy: 'endpoint.deploy',
  endpointPromote: 'endpoint.promote',
  endpointRollback: 'endpoint.rollback',
  rolloutStart: 'endpoint.rollout.start',
  rolloutAbort: 'endpoint.rollout.abort',
  /** The rollout judge (the worker, actor "system") moved a rollout on its own. */
  rolloutAdvance: 'endpoint.rollout.advance',
  rolloutComplete: 'endpoint.rollout.complete',
  rolloutRollback: 'endpoint.rollout.rollback',
  scheduleUpdate: 'endpoint.schedule.update',
  scheduleDelete: 'endpoint.schedule.delete',
  streamCreate: 'stream.create',
  streamPause: 'stream.pause',
  streamResume: 'stream.resume',
  streamDelete: 'stream.delete',
  batchJobSubmit: 'batch_job.submit',
  batchJobCancel: 'batch_job.cancel',
  apiKeyCreate: 'api_key.create',
  apiKeyRevoke: 'api_key.revoke',
  tokenCreate: 'personal_token.create',
  tokenRevoke: 'personal_token.revoke',
  userCreate: 'user.create',
  userUpdate: 'user.update',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];
