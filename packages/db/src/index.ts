import type { PrismaClient } from './generated/prisma/client.js';

// The generated client: PrismaClient, the Prisma namespace (input types, errors such as
// Prisma.PrismaClientKnownRequestError), the model types (User, Model, ModelVersion, Endpoint,
// Revision) and the enums (Role, VersionStatus, Placement, RevisionKind), as values and types.
export * from './generated/prisma/client.js';

/** The database client the services share. */
export type Db = PrismaClient;

export { createDatabase, createPrismaClient, type CreateDatabaseOptions, type Database, type PgPool } from './postgres/database.js';
export { failJob, failJobOverBudget, readBatchJobStatus, streamBatchResults, writeBatchChunkResults, type BatchChunkRowResult, type BatchJobTally, type StreamBatchResultsOptions } from './batch/batch-results.js';
export { hashPassword, verifyPassword } from './users/passwords.js';
export { createAdmin, type CreateAdminResult } from './users/create-admin.js';
export { redactDatabaseUrl } from './postgres/database-url.js';
export { addLatencyRollups, downsampleLatencyRollups, LATENCY_ROLLUP_SUMS, rolloutStepOffset, subtractTotals, sumLiveTraffic, type DownsampleResult, type LatencyRollupDelta, type LatencyTotals } from './metrics/latency-rollups.js';
export { commitRevision, describeRouting, EndpointNotFoundError, StaleRevisionError, type CommittedRevision, type RevisionDraft, type StoredRoute, type StoredShadow } from './routing/revisions.js';
