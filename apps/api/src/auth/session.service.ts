import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditAction, CSRF_COOKIE, LoginBody, SESSION_COOKIE, type WhoAmI } from '@modelgate/contracts';
import { hashPassword, verifyPassword, type Db } from '@modelgate/db';
import type { FastifyReply } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { DB } from '../infrastructure/database.module.js';
import { CredentialResolver } from './credential-resolver.js';
import { newSessionSecret, sha256Hex } from './credential-secrets.js';
import { toApiKeyView } from './credential-view.js';
import type { Principal, RequestActor } from './principal.js';
import { TokenBuckets } from './token-buckets.js';
import { toUserView } from './user-view.js';

const WRONG_CREDENTIALS = 'email or password is wrong';
const THROTTLE_WINDOW_SEC = 15 * 60;

/** Dashboard sign-in: password check, throttling, the session row and its cookies. */
@Injectable()
export class SessionService implements OnModuleInit {
  /** Verified against when the email is unknown, so both answers take one argon2 verification. */
  private decoyHash = '';

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly audit: AuditService,
    private readonly buckets: TokenBuckets,
    private readonly resolver: CredentialResolver,
  ) {}

  async onModuleInit() {
    this.decoyHash = await hashPassword(randomBytes(24).toString('base64url'));
  }

  async login(body: unknown, actor: RequestActor, reply: FastifyReply): Promise<WhoAmI> {
    const { email: givenEmail, password } = parseRequest(LoginBody, body);
    const email = givenEmail.trim().toLowerCase();
    const buckets = [
      { bucket: `login-account:${sha256Hex(email)}`, limit: this.throttle(this.config.MODELGATE_LOGIN_ATTEMPTS_PER_ACCOUNT) },
      { bucket: `login-ip:${actor.ip ?? 'unknown'}`, limit: this.throttle(this.config.MODELGATE_LOGIN_ATTEMPTS_PER_IP) },
    ];
    // Only failures spend tokens; a sign-in is refused while either bucket is empty.
    const checks = await Promise.all(buckets.map(({ bucket, limit }) => this.buckets.take(bucket, limit, { cost: 0, required: 1 })));
    const refused = checks.find((check) => !check.allowed);
    if (refused) {
      await this.audit.record(actor, { action: AuditAction.loginFailed, outcome: 'throttled', target: { type: 'user', label: email }, detail: 'too many failed sign-ins' });
      throw ProblemException.rateLimited(
        `too many failed sign-ins for this account or from this address: wait ${Math.ceil(refused.retryAfterMs / 1000)} s and try again`,
        refused.retryAfterMs,
      );
    }

    const user = await this.db.user.findUnique({ where: { email } });
    const passwordMatches = await verifyPassword(user?.passwordHash ?? this.decoyHash, password);
    if (!user || !passwordMatches) {
      await Promise.all(buckets.map(({ bucket, limit }) => this.buckets.take(bucket, limit)));
      await this.audit.record(actor, {
        action: AuditAction.loginFailed,
        outcome: 'denied',
        target: { type: 'user', id: user?.id ?? null, label: email },
        detail: user ? 'wrong password' : 'no such user',
      });
      throw ProblemException.unauthenticated(WRONG_CREDENTIALS);
    }
    if (user.disabledAt) {
      await this.audit.record(actor, { action: AuditAction.loginFailed, outcome: 'denied', target: { type: 'user', id: user.id, label: email }, detail: 'account disabled' });
      throw ProblemException.unauthenticated(`the account ${email} is disabled: ask an admin to enable it`);
    }

    const secret = newSessionSecret();
    const csrfToken = newSessionSecret();
    const expiresAt = new Date(Date.now() + this.config.MODELGATE_SESSION_TTL_HOURS * 3600_000);
    const signedIn = await this.db.$transaction(async (tx) => {
      const userAgent = reply.request.headers['user-agent']?.slice(0, 500) ?? null;
      const session = await tx.session.create({ data: { userId: user.id, tokenHash: sha256Hex(secret), csrfToken, expiresAt, ip: actor.ip, userAgent } });
      const updated = await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
      await this.audit.record(
        { ...actor, principal: { kind: 'user', via: 'session', user: updated, session } },
        { action: AuditAction.login, target: { type: 'user', id: user.id, label: email } },
        tx,
      );
      return updated;
    });
    // The owner got in: their account's failures are forgiven; the address's are not, so one
    // account someone controls cannot be used to reset a password-spraying budget.
    await this.buckets.reset(buckets[0]!.bucket);
    const cookie = { path: '/', sameSite: 'lax' as const, secure: this.config.MODELGATE_COOKIE_SECURE, maxAge: this.config.MODELGATE_SESSION_TTL_HOURS * 3600 };
    reply.setCookie(SESSION_COOKIE, secret, { ...cookie, httpOnly: true });
    // Readable by the dashboard's scripts, which echo it as X-CSRF-Token; another site can neither
    // read it nor set the header, which is the point.
    reply.setCookie(CSRF_COOKIE, csrfToken, { ...cookie, httpOnly: false });
    return { kind: 'user', user: toUserView(signedIn), via: 'session', csrfToken, sessionExpiresAt: expiresAt.toISOString() };
  }

  async logout(actor: RequestActor, reply: FastifyReply): Promise<void> {
    const principal = actor.principal;
    if (principal?.kind === 'user' && principal.via === 'session') {
      await this.db.$transaction(async (tx) => {
        await tx.session.update({ where: { id: principal.session.id }, data: { revokedAt: new Date() } });
        await this.audit.record(actor, { action: AuditAction.logout, target: { type: 'user', id: principal.user.id, label: principal.user.email } }, tx);
      });
      this.resolver.forgetAll();
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  async whoAmI(principal: Principal): Promise<WhoAmI> {
    if (principal.kind === 'api_key') {
      const row = await this.db.apiKey.findUniqueOrThrow({ where: { id: principal.credential.id }, include: { user: { select: { email: true } } } });
      return { kind: 'api_key', apiKey: toApiKeyView(row) };
    }
    const user = await this.db.user.findUniqueOrThrow({ where: { id: principal.user.id } });
    return principal.via === 'session'
      ? { kind: 'user', user: toUserView(user), via: 'session', csrfToken: principal.session.csrfToken, sessionExpiresAt: principal.session.expiresAt.toISOString() }
      : { kind: 'user', user: toUserView(user), via: 'personal_token', csrfToken: null, sessionExpiresAt: null };
  }

  private throttle(attempts: number) {
    return { perSecond: attempts / THROTTLE_WINDOW_SEC, burst: attempts };
  }
}
