import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiKeyScopes, RateLimit, SESSION_COOKIE } from '@modelgate/contracts';
import type { Db } from '@modelgate/db';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem.exception.js';
import { DB } from '../infrastructure/database.module.js';
import { prefixOf, secretMatches, sha256Hex } from './credential-secrets.js';
import type { CredentialRef, Principal, PrincipalUser } from './principal.js';

/**
 * How long a resolved credential is reused without asking PostgreSQL. Revoking a key, ending a
 * session or disabling a user therefore takes effect on every API process within this time
 * (the process that made the change forgets at once), without relying on a message arriving.
 */
export const CREDENTIAL_CACHE_MS = 500;
/** lastUsedAt is written at most this often per credential: one write per minute, not per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

type Resolution = { principal: Principal } | { rejection: string };

@Injectable()
export class CredentialResolver {
  private readonly logger = new Logger(CredentialResolver.name);
  private readonly cache = new Map<string, { resolution: Resolution; until: number }>();

  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * The principal of a request: bearer token first, then the session cookie. Null when it carries
   * neither; 401 when what it carries does not work.
   */
  async resolve(request: FastifyRequest): Promise<Principal | null> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw ProblemException.unauthenticated('the Authorization header must be "Bearer <API key or personal token>"');
      return this.cached(`bearer:${sha256Hex(match[1]!)}`, () => this.fromBearer(match[1]!));
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) return this.cached(`session:${sha256Hex(cookie)}`, () => this.fromSession(cookie));
    return null;
  }

  /** Forget everything cached, after a change made by this process (revoke, disable, role). */
  forgetAll(): void {
    this.cache.clear();
  }

  private async cached(key: string, load: () => Promise<{ resolution: Resolution; validUntil?: Date | null }>): Promise<Principal> {
    const now = Date.now();
    let entry = this.cache.get(key);
    if (!entry || entry.until <= now) {
      const { resolution, validUntil } = await load();
      entry = { resolution, until: Math.min(now + CREDENTIAL_CACHE_MS, validUntil?.getTime() ?? Number.POSITIVE_INFINITY) };
      this.cache.set(key, entry);
      if (this.cache.size > 10_000) this.sweep(now);
    }
    if ('rejection' in entry.resolution) throw ProblemException.unauthenticated(entry.resolution.rejection);
    return entry.resolution.principal;
  }

  private sweep(now: number) {
    for (const [key, entry] of this.cache) if (entry.until <= now) this.cache.delete(key);
  }

  private async fromBearer(secret: string): Promise<{ resolution: Resolution; validUntil?: Date | null }> {
    const prefix = prefixOf(secret);
    const unknown = { resolution: { rejection: 'the bearer token is not a valid Modelgate API key or personal token' } };
    if (!prefix) return unknown;
    const row = await this.db.apiKey.findUnique({ where: { prefix }, include: { user: true } });
    if (!row || !secretMatches(secret, row.secretHash)) return unknown;
    const what = row.kind === 'api_key' ? `API key ${row.prefix}` : `personal token ${row.prefix}`;
    if (row.revokedAt) return { resolution: { rejection: `${what} was revoked on ${row.revokedAt.toISOString()}` } };
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return { resolution: { rejection: `${what} expired on ${row.expiresAt.toISOString()}` } };
    this.touch(row.id, row.lastUsedAt);
    const credential: CredentialRef = { id: row.id, name: row.name, prefix: row.prefix, rateLimit: row.rateLimit ? RateLimit.parse(row.rateLimit) : null };
    if (row.kind === 'api_key') {
      return { resolution: { principal: { kind: 'api_key', credential: { ...credential, scopes: ApiKeyScopes.parse(row.scopes) } } }, validUntil: row.expiresAt };
    }
    if (!row.user) return unknown;
    if (row.user.disabledAt) return { resolution: { rejection: `the account ${row.user.email} is disabled` } };
    return { resolution: { principal: { kind: 'user', via: 'personal_token', user: userOf(row.user), credential } }, validUntil: row.expiresAt };
  }

  private async fromSession(cookie: string): Promise<{ resolution: Resolution; validUntil?: Date | null }> {
    const session = await this.db.session.findUnique({ where: { tokenHash: sha256Hex(cookie) }, include: { user: true } });
    const ended = { resolution: { rejection: 'your session has ended: sign in again' } };
    if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) return ended;
    if (session.user.disabledAt) return { resolution: { rejection: `the account ${session.user.email} is disabled` } };
    return {
      resolution: {
        principal: { kind: 'user', via: 'session', user: userOf(session.user), session: { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt } },
      },
      validUntil: session.expiresAt,
    };
  }

  private touch(id: string, lastUsedAt: Date | null) {
    const now = new Date();
    if (lastUsedAt && now.getTime() - lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    this.db.apiKey.update({ where: { id }, data: { lastUsedAt: now } }).catch((error: Error) => this.logger.warn(`could not record lastUsedAt: ${error.message}`));
  }
}

const userOf = (user: PrincipalUser): PrincipalUser => ({ id: user.id, email: user.email, name: user.name, role: user.role });
