import type { User } from '@modelgate/contracts';
import type { User as UserRow } from '@modelgate/db';

/** A user as the API shows it: never the password hash. */
export function toUserView(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
