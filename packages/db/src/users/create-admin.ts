import type { PrismaClient } from '../generated/prisma/client.js';
import { hashPassword } from './passwords.js';

export type CreateAdminResult = 'created' | 'password-reset' | 'exists';

/**
 * Creates an admin, or with `resetPassword` sets a new password for an existing user and makes it
 * an admin again (the way back in when every admin is locked out). Emails are stored lowercase.
 */
export async function createAdmin(db: PrismaClient, input: { email: string; password: string; name?: string; resetPassword?: boolean }): Promise<CreateAdminResult> {
  const email = input.email.toLowerCase();
  const passwordHash = await hashPassword(input.password);
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) {
    if (!input.resetPassword) return 'exists';
    await db.user.update({ where: { id: existing.id }, data: { passwordHash, role: 'admin', disabledAt: null } });
    return 'password-reset';
  }
  try {
    await db.user.create({ data: { email, name: input.name ?? 'Administrator', role: 'admin', passwordHash } });
    return 'created';
  } catch (error) {
    // Two processes creating the same admin at once: the unique email keeps one.
    if ((error as { code?: string }).code === 'P2002') return 'exists';
    throw error;
  }
}
