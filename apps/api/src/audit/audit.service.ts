import { Inject, Injectable } from '@nestjs/common';
import { AuditQuery, type AuditAction, type AuditEvent, type AuditList, type AuditOutcome } from '@modelgate/contracts';
import { Prisma, type AuditEvent as AuditEventRow, type Db } from '@modelgate/db';
import { principalLabel, type RequestActor } from '../auth/principal.js';
import { parseRequest } from '../common/zod-validation.js';
import { DB } from '../infrastructure/database.module.js';

export interface AuditEntry {
  action: AuditAction;
  target: { type: string; id?: string | null; label: string };
  before?: unknown;
  after?: unknown;
  outcome?: AuditOutcome;
  detail?: string;
}

type Writer = Pick<Db, 'auditEvent'> | Prisma.TransactionClient;

/**
 * The audit log: append-only rows of who changed what. Services record inside the transaction
 * that makes the change where they have one, so a change and its audit row commit together.
 * Never give it secrets: callers pass views (no hashes, no key secrets, no passwords).
 */
@Injectable()
export class AuditService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async record(actor: RequestActor, entry: AuditEntry, writer: Writer = this.db): Promise<void> {
    const principal = actor.principal;
    await writer.auditEvent.create({
      data: {
        action: entry.action,
        outcome: entry.outcome ?? 'success',
        actorType: principal ? (principal.kind === 'user' ? 'user' : 'api_key') : actor.ip ? 'anonymous' : 'system',
        actorId: principal ? (principal.kind === 'user' ? principal.user.id : principal.credential.id) : null,
        actorLabel: principal ? principalLabel(principal) : actor.ip ? 'anonymous' : 'system',
        ip: actor.ip,
        targetType: entry.target.type,
        targetId: entry.target.id ?? null,
        targetLabel: entry.target.label,
        before: jsonOrNull(entry.before),
        after: jsonOrNull(entry.after),
        detail: entry.detail ?? '',
        requestId: actor.requestId,
      },
    });
  }

  async list(query: unknown): Promise<AuditList> {
    const filter = parseRequest(AuditQuery, query, 'query');
    const where: Prisma.AuditEventWhereInput = {
      ...(filter.action ? (filter.action.endsWith('.*') ? { action: { startsWith: filter.action.slice(0, -1) } } : { action: filter.action }) : {}),
      ...(filter.actor ? { actorLabel: { contains: filter.actor, mode: 'insensitive' } } : {}),
      ...(filter.targetType ? { targetType: filter.targetType } : {}),
      ...(filter.target ? { targetLabel: { contains: filter.target, mode: 'insensitive' } } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
      ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lt: new Date(filter.to) } : {}) } } : {}),
      ...(filter.cursor ? { id: { lt: BigInt(filter.cursor) } } : {}),
    };
    const rows = await this.db.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    return { items: page.map(toAuditView), nextCursor: rows.length > filter.limit ? String(page.at(-1)!.id) : null };
  }
}

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue));

function toAuditView(row: AuditEventRow): AuditEvent {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    action: row.action,
    outcome: row.outcome,
    actor: { type: row.actorType as AuditEvent['actor']['type'], id: row.actorId, label: row.actorLabel },
    ip: row.ip,
    target: { type: row.targetType, id: row.targetId, label: row.targetLabel },
    before: row.before ?? null,
    after: row.after ?? null,
    detail: row.detail,
    requestId: row.requestId,
  };
}
