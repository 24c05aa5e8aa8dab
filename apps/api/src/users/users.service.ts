import { Inject, Injectable } from '@nestjs/common';
import { AuditAction, CreateUserBody, UpdateUserBody, type User, type UserList } from '@modelgate/contracts';
import { hashPassword, Prisma, type Db } from '@modelgate/db';
import { AuditService } from '../audit/audit.service.js';
import { CredentialResolver } from '../auth/credential-resolver.js';
import type { RequestActor } from '../auth/principal.js';
import { toUserView } from '../auth/user-view.js';
import { ProblemException } from '../common/problem.exception.js';
import { rowIdOrNone } from '../common/row-id.js';
import { parseRequest } from '../common/zod-validation.js';
import { DB } from '../infrastructure/database.module.js';

@Injectable()
export class UsersService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly audit: AuditService,
    private readonly resolver: CredentialResolver,
  ) {}

  async list(): Promise<UserList> {
    const rows = await this.db.user.findMany({ orderBy: { email: 'asc' } });
    return { items: rows.map(toUserView) };
  }

  async create(body: unknown, actor: RequestActor): Promise<User> {
    const { password, ...fields } = parseRequest(CreateUserBody, body);
    const passwordHash = await hashPassword(password);
    try {
      return await this.db.$transaction(async (tx) => {
        const row = await tx.user.create({ data: { ...fields, passwordHash } });
        const view = toUserView(row);
        await this.audit.record(actor, { action: AuditAction.userCreate, target: { type: 'user', id: row.id, label: row.email }, after: view }, tx);
        return view;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw ProblemException.conflict(`a user with the email ${fields.email} already exists: change it with PATCH /v1/users/{id}`);
      }
      throw error;
    }
  }

  /**
   * Changes name, role, password or disabled. Disabling, demoting or changing a password takes
   * effect on every API process within a second; the last enabled admin cannot be demoted or
   * disabled, so the installation always has someone who can manage it.
   */
  async update(id: string, body: unknown, actor: RequestActor): Promise<User> {
    const patch = parseRequest(UpdateUserBody, body);
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    const updated = await this.db.$transaction(async (tx) => {
      // Locking the enabled admins serialises concurrent demotions: two admins demoting each
      // other at once cannot leave none.
      const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL FOR UPDATE`;
      const before = await tx.user.findUnique({ where: { id: rowIdOrNone(id) } });
      if (!before) throw ProblemException.notFound(`there is no user with id "${id}"`);
      const losesAdmin = before.role === 'admin' && !before.disabledAt && ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
      if (losesAdmin && admins.length <= 1) {
        throw ProblemException.conflict(`${before.email} is the only enabled admin: make another user an admin before demoting or disabling this one`);
      }
      const row = await tx.user.update({
        where: { id: before.id },
        data: {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(passwordHash ? { passwordHash } : {}),
          ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? (before.disabledAt ?? new Date()) : null } : {}),
        },
      });
      if (patch.disabled || passwordHash) {
        // A new password or a disabled account ends every session except the one making the change.
        const keep = actor.principal?.kind === 'user' && actor.principal.via === 'session' ? actor.principal.session.id : undefined;
        await tx.session.updateMany({ where: { userId: row.id, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) }, data: { revokedAt: new Date() } });
      }
      const after = toUserView(row);
      await this.audit.record(
        actor,
        {
          action: AuditAction.userUpdate,
          target: { type: 'user', id: row.id, label: row.email },
          before: toUserView(before),
          after: passwordHash ? { ...after, password: 'changed' } : after,
        },
        tx,
      );
      return after;
    });
    this.resolver.forgetAll();
    return updated;
  }
}
