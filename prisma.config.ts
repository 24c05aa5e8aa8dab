// Prisma CLI configuration for machines that run the Prisma CLI with its native engine (for
// example `prisma migrate deploy` or `prisma studio` on a connected machine). In this repository
// migrations are applied by @modelgate/db (`pnpm db:migrate`), which needs no native engine; both
// record into the same `_prisma_migrations` table, so they agree.
//
// Only a type is imported from `prisma/config`: the repository root does not depend on `prisma`
// (packages/db does), and a type import is erased when the CLI loads this file, so the file loads
// from any working directory.
import type { PrismaConfig } from 'prisma/config';

export default {
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelgate',
  },
} satisfies PrismaConfig;
