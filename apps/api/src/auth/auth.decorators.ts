import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Action } from '@modelgate/contracts';
import type { FastifyRequest } from 'fastify';
import type { RequestActor } from './principal.js';

export const PUBLIC_ROUTE = 'modelgate:public';
export const REQUIRED_ACTION = 'modelgate:requires';

/** Opens a route to anonymous callers. Only health, metrics and login use it. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The permission a route needs (see contracts' permissions.ts). A route with neither this nor
 * @Public is admin-only: forgetting the decorator closes a route rather than opening it.
 */
export const Requires = (action: Action) => SetMetadata(REQUIRED_ACTION, action);

/** Any authenticated caller, whatever its role or scopes (who-am-I). */
export const ANY_CALLER = 'authenticated';
export const AnyCaller = () => SetMetadata(REQUIRED_ACTION, ANY_CALLER);

/** The authenticated caller plus source IP and request id, for services that act and audit. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): RequestActor => actorOf(context.switchToHttp().getRequest<FastifyRequest>()));

export const actorOf = (request: FastifyRequest): RequestActor => ({ principal: request.principal ?? null, ip: request.ip ?? null, requestId: String(request.id) });
