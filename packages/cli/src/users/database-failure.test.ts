import { describe, expect, it } from 'vitest';
import { describeDatabaseFailure } from './database-failure.js';

/** Shaped like the PrismaClientKnownRequestError the pg adapter produces (seen with Prisma 7.10). */
function prismaError(code: string, cause: Record<string, unknown>, lastLine: string) {
  return Object.assign(new Error(`\nInvalid \`prisma.user.findUnique()\` invocation:\n\n\n${lastLine}`), {
    code,
    meta: { modelName: 'User', driverAdapterError: { name: 'DriverAdapterError', cause } },
  });
}

const URL = 'postgresql://postgres:***@db:5432/modelgate';

describe('describeDatabaseFailure', () => {
  it('tells an unreachable server, refused credentials, a missing database and a missing table apart', () => {
    expect(describeDatabaseFailure(prismaError('P1001', { kind: 'DatabaseNotReachable', host: 'db', port: 5432 }, "Can't reach database server at db:5432"), URL)).toBe(
      "PostgreSQL at postgresql://postgres:***@db:5432/modelgate is not answering (Can't reach database server at db:5432): is it running? (`docker compose up -d postgres`)",
    );
    expect(
      describeDatabaseFailure(prismaError('P1010', { kind: 'DatabaseAccessDenied', originalCode: '28000', originalMessage: 'role "nobody" does not exist' }, 'denied'), URL),
    ).toBe('PostgreSQL at postgresql://postgres:***@db:5432/modelgate refused the user or password in DATABASE_URL (role "nobody" does not exist)');
    expect(describeDatabaseFailure(prismaError('P1003', { kind: 'DatabaseDoesNotExist' }, 'Database `modelgate` does not exist'), URL)).toContain(
      'does not exist: run `npm run db:migrate` (with this DATABASE_URL), which creates and migrates it',
    );
    expect(describeDatabaseFailure(prismaError('P2021', { kind: 'TableDoesNotExist' }, 'The table `public.users` does not exist'), URL)).toContain('has no users table yet');
  });

  it("falls back to the last line of Prisma's message, not its invocation preamble", () => {
    expect(describeDatabaseFailure(prismaError('P9999', {}, 'something odd happened'), URL)).toBe(`could not write the admin to ${URL}: something odd happened`);
  });
});
