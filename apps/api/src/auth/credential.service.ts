import { Inject, Injectable } from '@nestjs/common';
import {
  AuditAction,
  CreateApiKeyBody,
  CreatePersonalTokenBody,
  type ApiKey,
  type ApiKeyList,
  type CreatedApiKey,
  type CredentialKind,
} from '@modelgate/contracts';
import { Prisma, type Db } from '@modelgate/db';
import { AuditService } from '../audit/audit.service.js';
import { ProblemException } from '../common/problem.exception.js';
import { rowIdOrNone } from '../common/row-id.js';
import { parseRequest } from '../common/zod-validation.js';
import { DB } from '../infrastructure/database.module.js';
import { CredentialResolver } from './credential-resolver.js';
import { newCredentialSecret } from './credential-secrets.js';
import { toApiKeyView } from './credential-view.js';
import { principalLabel, type RequestActor } from './principal.js';

const WORDS: Record<CredentialKind, { noun: string; create: AuditAction; revoke: AuditAction }> = {
  api_key: { noun: 'API key', create: AuditAction.apiKeyCreate, revoke: AuditAction.apiKeyRevoke },
  personal_token: { noun: 'personal token', create: AuditAction.tokenCreate, revoke: AuditAction.tokenRevoke },
};

/**
 * Application API keys (admins manage them) and personal tokens (each user their own). The
 * secret exists in clear only in the creation response.
 */
@Injectable()
export class CredentialService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly audit: AuditService,
    private readonly resolver: CredentialResolver,
  ) {}

  createApiKey(body: unknown, actor: RequestActor): Promise<CreatedApiKey> {
    const request = parseRequest(CreateApiKeyBody, body);
    return this.create('api_key', actor, {
      name: request.name,
      scopes: request.scopes as Prisma.InputJsonValue,
      rateLimit: request.rateLimit ? (request.rateLimit as Prisma.InputJsonValue) : Prisma.DbNull,
      expiresAt: request.expiresAt ? new Date(request.expiresAt) : null,
    });
  }

  createPersonalToken(body: unknown, actor: RequestActor): Promise<CreatedApiKey> {
    const request = parseRequest(CreatePersonalTokenBody, body);
    return this.create('personal_token', actor, {
      name: request.name,
      userId: ownerOf(actor),
      expiresAt: request.expiresAt ? new Date(request.expiresAt) : null,
    });
  }

  async list(kind: CredentialKind, ownerId?: string): Promise<ApiKeyList> {
    const rows = await this.db.apiKey.findMany({
      where: { kind, ...(ownerId ? { userId: ownerId } : {}) },
      include: { user: { select: { email: true } } },
      orderBy: { createdAt: 'desc' },
    });
    return { items: rows.map(toApiKeyView) };
  }

  /** Revokes at once in this process and within CREDENTIAL_CACHE_MS in every other one. */
  async revoke(kind: CredentialKind, id: string, actor: RequestActor, ownerId?: string): Promise<ApiKey> {
    const noun = WORDS[kind].noun;
    const found = await this.db.apiKey.findFirst({ where: { id: rowIdOrNone(id), kind, ...(ownerId ? { userId: ownerId } : {}) } });
    if (!found) throw ProblemException.notFound(`there is no ${noun} with id "${id}"${ownerId ? ' among yours' : ''}`);
    if (found.revokedAt) return toApiKeyView(await this.db.apiKey.findUniqueOrThrow({ where: { id: found.id }, include: { user: { select: { email: true } } } }));
    const revoked = await this.db.$transaction(async (tx) => {
      const row = await tx.apiKey.update({ where: { id: found.id }, data: { revokedAt: new Date() }, include: { user: { select: { email: true } } } });
      await this.audit.record(
        actor,
        { action: WORDS[kind].revoke, target: { type: kind, id: row.id, label: `${row.name} (${row.prefix})` }, before: { revokedAt: null }, after: { revokedAt: row.revokedAt } },
        tx,
      );
      return row;
    });
    this.resolver.forgetAll();
    return toApiKeyView(revoked);
  }

  private async create(
    kind: CredentialKind,
    actor: RequestActor,
    data: Omit<Prisma.ApiKeyUncheckedCreateInput, 'kind' | 'prefix' | 'secretHash' | 'createdBy'>,
  ): Promise<CreatedApiKey> {
    const generated = newCredentialSecret(kind);
    const row = await this.db.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: { ...data, kind, prefix: generated.prefix, secretHash: generated.hash, createdBy: actor.principal ? principalLabel(actor.principal) : null },
        include: { user: { select: { email: true } } },
      });
      const view = toApiKeyView(created);
      await this.audit.record(actor, { action: WORDS[kind].create, target: { type: kind, id: created.id, label: `${created.name} (${created.prefix})` }, after: view }, tx);
      return created;
    });
    return { ...toApiKeyView(row), secret: generated.secret };
  }
}

function ownerOf(actor: RequestActor): string {
  if (actor.principal?.kind !== 'user') throw ProblemException.forbidden('personal tokens belong to users: sign in as a user to create one');
  return actor.principal.user.id;
}
