import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Db, Prisma, RevisionKind, createPrismaClient } from './index.js';
import { type TestDatabase, createTestDatabase } from './testing/index.js';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createPrismaClient(database.url);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('createPrismaClient', () => {
  it('stores mapped enum values under their database names (auto_rollback is "auto-rollback")', async () => {
    const endpoint = await db.endpoint.create({ data: { name: 'fraud', config: { placement: 'worker' } } });
    await db.revision.create({
      data: { endpointId: endpoint.id, number: 1, kind: RevisionKind.auto_rollback, routes: [], reason: 'error rate' },
    });

    const [raw] = await db.$queryRaw<Array<{ kind: string }>>`SELECT kind::text AS kind FROM revisions WHERE endpoint_id = ${endpoint.id}::uuid`;
    expect(raw?.kind).toBe('auto-rollback');
    const revision = await db.revision.findFirstOrThrow({ where: { endpointId: endpoint.id } });
    expect(revision.kind).toBe('auto_rollback');
  });

  it('raises Prisma errors with codes (unique violation is P2002)', async () => {
    await db.model.create({ data: { name: 'duplicate' } });
    const failure = await db.model.create({ data: { name: 'duplicate' } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((failure as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  });

  it('round-trips BigInt and Json columns of a model version', async () => {
    const model = await db.model.create({ data: { name: 'sizes' } });
    const version = await db.modelVersion.create({
      data: { modelId: model.id, version: 1, sha256: 'a'.repeat(64), sizeBytes: 5_000_000_000n, signature: { inputs: [] }, facts: { irVersion: 9 } },
    });
    const found = await db.modelVersion.findUniqueOrThrow({ where: { id: version.id } });
    expect(found.sizeBytes).toBe(5_000_000_000n);
    expect(found.facts).toEqual({ irVersion: 9 });
    expect(found.warnings).toEqual([]);
    expect(found.status).toBe('ready');
  });
});
