import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/prisma/client.js';

// The generated client: PrismaClient, the Prisma namespace (input types, errors such as
// Prisma.PrismaClientKnownRequestError), the model types (User, Model, ModelVersion, Endpoint,
// Revision) and the enums (Role, VersionStatus, Placement, RevisionKind), as values and types.
export * from './generated/prisma/client.js';

/** The database client the services share. */
export type Db = PrismaClient;

/**
 * A Prisma client on PostgreSQL through the pg driver adapter (Prisma 7 has no built-in
 * driver). Call `$disconnect()` when done: the adapter's pool keeps the process alive.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

export { hashPassword, verifyPassword } from './users/passwords.js';
export { createAdmin, type CreateAdminResult } from './users/create-admin.js';
export { redactDatabaseUrl } from './postgres/database-url.js';
export { addLatencyRollups, downsampleLatencyRollups, LATENCY_ROLLUP_SUMS, rolloutStepOffset, subtractTotals, sumLiveTraffic, type DownsampleResult, type LatencyRollupDelta, type LatencyTotals } from './metrics/latency-rollups.js';
export { commitRevision, describeRouting, EndpointNotFoundError, StaleRevisionError, type CommittedRevision, type RevisionDraft, type StoredRoute, type StoredShadow } from './routing/revisions.js';
