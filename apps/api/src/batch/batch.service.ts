import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  AuditAction,
  automaticChunkSize,
  BATCH_INDEX_STRIDE,
  BATCH_PARENT_JOB,
  BATCH_PARENT_JOB_OPTIONS,
  BatchFailuresQuery,
  BatchJobListQuery,
  BatchJobSpec,
  BatchResultsQuery,
  primaryOf,
  ProblemCode,
  QueueFamily,
  type BatchFailureList,
  type BatchFileFormat,
  type BatchJob,
  type BatchJobList,
  type BatchParentJobData,
  type Signature,
} from '@modelgate/contracts';
import { Prisma, type BatchJob as BatchJobRow, type Db, type PgPool, type StoredRoute } from '@modelgate/db';
import { Queue } from 'bullmq';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { principalLabel, type RequestActor } from '../auth/principal.js';
import { ProblemException } from '../common/problem.exception.js';
import { rowIdOrNone } from '../common/row-id.js';
import { parseRequest } from '../common/zod-validation.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { DB, PG_POOL } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';
import { resolveMapping } from './batch-mapping.js';
import { streamResults } from './batch-results.js';
import { receiveBatchUpload, type BatchUploadPlan } from './batch-upload.js';
import { toBatchJobView, type BatchTarget } from './batch-view.js';

/** What scores a job: an endpoint (routed per row) or one pinned version, and the signature its file is read against. */
interface ResolvedTarget {
  endpointId: string | null;
  versionId: string | null;
  view: BatchTarget;
  signature: Signature;
}

interface SubmitPlan extends BatchUploadPlan {
  spec: ReturnType<typeof BatchJobSpec.parse>;
  target: ResolvedTarget;
}


@Injectable()
export class BatchService implements OnApplicationShutdown {
  private readonly logger = new Logger(BatchService.name);
  private readonly queue: Queue;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(PG_POOL) private readonly pool: PgPool,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    bus: RedisBus,
    private readonly audit: AuditService,
  ) {
    this.queue = new Queue(QueueFamily.batch, { connection: bus.connection, prefix: bus.prefix });
  }

  /**
   * Upload (streamed, counted, checked) → the file moved under the data directory → the job row
   * and its audit row in one transaction → the parent job queued (its id is the job's, so it can
   * only be queued once). A refused upload leaves no row and no file.
   */
  async submit(request: FastifyRequest, actor: RequestActor): Promise<BatchJob> {
    const id = randomUUID();
    const received = await receiveBatchUpload(request, path.join(this.config.uploadsDir, `batch-${id}`), this.config.MODELGATE_MAX_UPLOAD_BYTES, async (json): Promise<SubmitPlan> => {
      const spec = parseRequest(BatchJobSpec, json, 'body');
      const target = await this.resolveTarget(spec);
      // A chunk size asked for is the index's stride; otherwise the stride is fixed and the chunk
      // size is chosen once the file is counted.
      const indexStride = spec.chunkSize ?? BATCH_INDEX_STRIDE;
      return { spec, target, indexStride, format: spec.format, resolveMapping: (columns, format) => resolveMapping(target.signature, columns, spec.mapping, format) };
    });
    const { spec, target, indexStride } = received.plan;
    const chunkSize = spec.chunkSize ?? automaticChunkSize(received.totalRows, received.sizeBytes);
    const directory = path.join(this.config.MODELGATE_DATA_DIR, 'batch', id);
    let row: BatchJobRow;
    try {
      await fs.mkdir(path.dirname(directory), { recursive: true });
      await fs.rename(path.join(this.config.uploadsDir, `batch-${id}`), directory);
      row = await this.db.$transaction(async (tx) => {
        const created = await tx.batchJob.create({
          data: {
            id,
            endpointId: target.endpointId,
            versionId: target.versionId,
            format: received.format,
            fileName: received.fileName,
            filePath: path.posix.join('batch', id, received.dataFile),
            mapping: received.mapping as Prisma.InputJsonValue,
            chunkSize,
            indexStride,
            errorBudget: spec.errorBudget,
            totalRows: received.totalRows,
            createdBy: actor.principal ? principalLabel(actor.principal) : null,
          },
        });
        await this.audit.record(
          actor,
          {
            action: AuditAction.batchJobSubmit,
            target: { type: 'batch_job', id, label: received.fileName },
            after: { target: target.view, format: received.format, totalRows: received.totalRows, sizeBytes: received.sizeBytes, mapping: received.mapping, chunkSize, errorBudget: spec.errorBudget },
          },
          tx,
        );
        return created;
      });
    } catch (error) {
      await fs.rm(path.join(this.config.uploadsDir, `batch-${id}`), { recursive: true, force: true });
      await fs.rm(directory, { recursive: true, force: true });
      throw error;
    }
    try {
      const data: BatchParentJobData = { schema: 1, batchJobId: id };
      await this.queue.add(BATCH_PARENT_JOB, data, { ...BATCH_PARENT_JOB_OPTIONS, jobId: id });
    } catch (error) {
      // The job exists (and is audited) but nothing will run it: it ends as failed, saying why.
      const reason = `the job could not be queued (Redis): ${(error as Error).message}`;
      await this.db.batchJob.update({ where: { id }, data: { status: 'failed', error: reason, finishedAt: new Date() } });
      await fs.rm(directory, { recursive: true, force: true });
      throw new ProblemException(503, ProblemCode.unavailable, `${reason}; submit it again`, undefined, { 'retry-after': '5' });
    }
    this.logger.log(`batch job ${id}: ${received.totalRows} rows of ${received.fileName} queued for ${JSON.stringify(target.view)}`);
    return toBatchJobView(row, target.view);
  }

  async get(id: string): Promise<BatchJob> {
    const row = await this.findRow(id);
    return toBatchJobView(row, await this.targetOf(row));
  }

  async list(query: unknown): Promise<BatchJobList> {
    const filter = parseRequest(BatchJobListQuery, query, 'query');
    const rows = await this.db.batchJob.findMany({
      where: filter.status ? { status: filter.status } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
      ...(filter.cursor ? { cursor: { id: rowIdOrNone(filter.cursor) }, skip: 1 } : {}),
    });
    const page = rows.slice(0, filter.limit);
    const targets = await this.targetsOf(page);
    return { items: page.map((row) => toBatchJobView(row, targets.get(row.id)!)), nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null };
  }

  /** Stops a queued or running job: the chunks not yet scored are skipped. Rows already written stay. */
  async cancel(id: string, actor: RequestActor): Promise<BatchJob> {
    const found = await this.findRow(id);
    const who = actor.principal ? principalLabel(actor.principal) : 'system';
    const cancelled = await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ id: string }[]>`
        UPDATE batch_jobs SET status = 'cancelled', finished_at = now(), error = ${`cancelled by ${who}`}
        WHERE id = ${found.id}::uuid AND status IN ('queued', 'running') RETURNING id`;
      if (!row) return false;
      await this.audit.record(actor, { action: AuditAction.batchJobCancel, target: { type: 'batch_job', id: found.id, label: found.fileName }, before: { status: found.status, rowsDone: found.rowsDone } }, tx);
      return true;
    });
    const row = await this.findRow(id);
    if (!cancelled) throw ProblemException.conflict(`batch job ${id} has already ended (${row.status}): there is nothing left to cancel`);
    return toBatchJobView(row, await this.targetOf(row));
  }

  async failures(id: string, query: unknown): Promise<BatchFailureList> {
    const { limit, cursor } = parseRequest(BatchFailuresQuery, query, 'query');
    const job = await this.findRow(id);
    const rows = await this.db.$queryRaw<{ row: number; line: number; error: string }[]>`
      SELECT "row", line, error FROM batch_results
      WHERE job_id = ${job.id}::uuid AND error IS NOT NULL AND "row" > ${cursor ?? -1}
      ORDER BY "row" LIMIT ${limit + 1}`;
    const page = rows.slice(0, limit);
    return { items: page, nextCursor: rows.length > limit ? String(page.at(-1)!.row) : null };
  }

  async openResults(id: string, query: unknown): Promise<{ job: BatchJob; format: BatchFileFormat; stream: Readable }> {
    const { format: asked } = parseRequest(BatchResultsQuery, query, 'query');
    const job = await this.get(id);
    const format = asked ?? job.format;
    return { job, format, stream: await streamResults(this.pool, job.id, format) };
  }

  private async findRow(id: string): Promise<BatchJobRow> {
    const row = await this.db.batchJob.findUnique({ where: { id: rowIdOrNone(id) } });
    if (!row) throw ProblemException.notFound(`batch job ${id} does not exist`);
    return row;
  }

  private async resolveTarget(spec: ReturnType<typeof BatchJobSpec.parse>): Promise<ResolvedTarget> {
    if (spec.endpoint !== undefined) {
      const endpoint = await this.db.endpoint.findUnique({ where: { name: spec.endpoint }, include: { activeRevision: true } });
      if (!endpoint) throw ProblemException.notFound(`endpoint "${spec.endpoint}" does not exist`);
      const primary = primaryOf((endpoint.activeRevision?.routes ?? []) as unknown as StoredRoute[]);
      if (!primary) throw new ProblemException(409, ProblemCode.notDeployed, `endpoint "${spec.endpoint}" has no deployed version to score with: promote one first, or pin a model and version`);
      const version = await this.db.modelVersion.findUniqueOrThrow({ where: { id: primary.versionId }, select: { signature: true } });
      return { endpointId: endpoint.id, versionId: null, view: { endpoint: endpoint.name }, signature: version.signature as unknown as Signature };
    }
    const version = await this.db.modelVersion.findFirst({ where: { model: { name: spec.model! }, version: spec.version! }, include: { model: { select: { name: true } } } });
    if (!version) throw ProblemException.notFound(`model "${spec.model}" has no version ${spec.version}`);
    if (version.archivedAt) throw ProblemException.conflict(`${spec.model} v${spec.version} is archived and no longer scores anything: pin another version`);
    return { endpointId: null, versionId: version.id, view: { model: version.model.name, version: version.version }, signature: version.signature as unknown as Signature };
  }

  private async targetOf(row: BatchJobRow): Promise<BatchTarget> {
    return (await this.targetsOf([row])).get(row.id)!;
  }

  /** Targets of several jobs with one query per kind. */
  private async targetsOf(rows: BatchJobRow[]): Promise<Map<string, BatchTarget>> {
    const endpointIds = [...new Set(rows.flatMap((row) => (row.endpointId ? [row.endpointId] : [])))];
    const versionIds = [...new Set(rows.flatMap((row) => (row.versionId ? [row.versionId] : [])))];
    const [endpoints, versions] = await Promise.all([
      endpointIds.length ? this.db.endpoint.findMany({ where: { id: { in: endpointIds } }, select: { id: true, name: true } }) : [],
      versionIds.length ? this.db.modelVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, version: true, model: { select: { name: true } } } }) : [],
    ]);
    const targets = new Map<string, BatchTarget>();
    for (const row of rows) {
      const version = versions.find((each) => each.id === row.versionId);
      const endpoint = endpoints.find((each) => each.id === row.endpointId);
      targets.set(row.id, version ? { model: version.model.name, version: version.version } : { endpoint: endpoint?.name ?? '(deleted endpoint)' });
    }
    return targets;
  }

  async onApplicationShutdown() {
    await this.queue.close();
  }
}
