import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Action, CSRF_HEADER, ProblemCode, decide } from '@modelgate/contracts';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem.exception.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { ANY_CALLER, PUBLIC_ROUTE, REQUIRED_ACTION } from './auth.decorators.js';
import { CredentialResolver } from './credential-resolver.js';
import { secretsEqual } from './credential-secrets.js';
import { callerOf, type Principal } from './principal.js';
import { TokenBuckets } from './token-buckets.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs an authenticated caller allowed to take the route's action,
 * unless the route is @Public. Session (cookie) callers must echo their CSRF token on changes;
 * bearer callers are rate limited per key.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: CredentialResolver,
    private readonly buckets: TokenBuckets,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.resolver.resolve(request);
    if (!principal) throw ProblemException.unauthenticated('sign in, or send "Authorization: Bearer <API key or personal token>"');
    request.principal = principal;

    if (principal.kind === 'user' && principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !secretsEqual(sent, principal.session.csrfToken)) {
        throw ProblemException.forbidden(
          `changes made with a session cookie need the "${CSRF_HEADER}" header holding the session's CSRF token (from the sign-in response or the modelgate_csrf cookie)`,
          ProblemCode.csrf,
        );
      }
    }

    const action = this.reflector.getAllAndOverride<Action | typeof ANY_CALLER>(REQUIRED_ACTION, targets) ?? Action.manageUsers;
    if (action !== ANY_CALLER) {
      const endpoint = (request.params as Record<string, string> | undefined)?.endpoint;
      const decision = decide(callerOf(principal), action, { endpoint });
      if (!decision.allowed) throw ProblemException.forbidden(decision.reason);
    }

    await this.rateLimit(principal);
    return true;
  }

  private async rateLimit(principal: Principal) {
    if (principal.kind === 'user' && principal.via === 'session') return;
    const { credential } = principal;
    const limit = credential.rateLimit ?? { perSecond: this.config.MODELGATE_RATE_LIMIT_PER_SEC, burst: this.config.MODELGATE_RATE_LIMIT_BURST };
    const answer = await this.buckets.takeLeased(`key:${credential.id}`, limit);
    if (!answer.allowed) {
      throw ProblemException.rateLimited(
        `${credential.prefix} is over its rate limit of ${limit.perSecond} requests/s (bursts of ${limit.burst}): retry after the Retry-After delay`,
        answer.retryAfterMs,
      );
    }
  }
}
