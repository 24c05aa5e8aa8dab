import fs from 'node:fs/promises';
import path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import {
  BATCH_CHUNK_INDEX_ENTRY_BYTES,
  BATCH_CHUNK_INDEX_FILE,
  BATCH_CHUNK_JOB,
  BatchParentJobData,
  decodeChunkIndexEntry,
  type BatchChunkJobData,
} from '@modelgate/contracts';
import { failJob, failJobOverBudget } from '@modelgate/db';
import { type Job, type JobsOptions, type Queue, WaitingChildrenError } from 'bullmq';
import { WorkerInfrastructure } from '../worker-infrastructure.js';

/** Chunk jobs added to the queue per round trip (and read from the chunk index per read). */
const CHUNKS_PER_PAGE = 500;

/** A chunk failing for reasons other than its rows (the database, a lost file) is retried with backoff. */
export const CHUNK_ATTEMPTS = 5;
const KEEP_FAILED_SECONDS = 7 * 86_400;

/** The BullMQ job id of a chunk: the same on every try, so adding it again adds nothing. */
export const chunkJobId = (batchJobId: string, chunk: number) => `${batchJobId}-c${chunk}`;

/**
 * A batch job's parent job: it starts the job, adds one child job per chunk (reading the chunk
 * index the API wrote, page by page, so its memory stays flat whatever the row count), waits for
 * them (BullMQ waiting-children), then finishes the job and removes its stored file. It records
 * how far it got in its own data, so a parent whose worker died resumes where it stopped; a chunk
 * added twice has the same job id and is not added again.
 */
@Injectable()
export class BatchParent {
  private readonly logger = new Logger(BatchParent.name);

  constructor(private readonly infrastructure: WorkerInfrastructure) {}

  async run(job: Job, token: string, queue: Queue): Promise<void> {
    const data = BatchParentJobData.parse(job.data);
    if (!data.waitingForChunks) {
      const queued = await this.queueChunks(job, data, queue);
      await job.updateData({ ...data, chunksQueued: queued, waitingForChunks: true } satisfies BatchParentJobData);
      // False when every chunk is already done: then the job is finished right away.
      if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    }
    await this.finish(job, data.batchJobId);
  }

  private async queueChunks(job: Job, data: BatchParentJobData, queue: Queue): Promise<number> {
    const db = this.infrastructure.db;
    await db.$executeRaw`UPDATE batch_jobs SET status = 'running', started_at = COALESCE(started_at, now()) WHERE id = ${data.batchJobId}::uuid AND status = 'queued'`;
    const batch = await db.batchJob.findUnique({ where: { id: data.batchJobId }, select: { status: true, format: true, filePath: true, chunkSize: true, indexStride: true, totalRows: true } });
    let queued = data.chunksQueued ?? 0;
    if (!batch || batch.status !== 'running') return queued;

    // The index has an entry every indexStride rows, and one for the end of the data; a chunk is
    // `stridesPerChunk` of them (the last one may be shorter).
    const strides = Math.ceil(batch.totalRows / batch.indexStride);
    const stridesPerChunk = batch.chunkSize / batch.indexStride;
    if (!Number.isInteger(stridesPerChunk)) throw new Error(`batch job ${data.batchJobId}: chunk size ${batch.chunkSize} is not a whole number of index strides (${batch.indexStride})`);
    const chunks = Math.ceil(strides / stridesPerChunk);
    const indexPath = path.join(this.infrastructure.config.MODELGATE_DATA_DIR, path.dirname(batch.filePath), BATCH_CHUNK_INDEX_FILE);
    const index = await fs.open(indexPath, 'r');
    try {
      const headerBytes = batch.format === 'csv' ? decodeChunkIndexEntry(await readEntries(index, 0, 1)).byteOffset : 0;
      const options: JobsOptions = {
        parent: { id: job.id!, queue: job.queueQualifiedName },
        attempts: CHUNK_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { age: KEEP_FAILED_SECONDS },
        // A chunk that fails for good does not strand the parent: it goes on, and says which failed.
        ignoreDependencyOnFailure: true,
      };
      while (queued < chunks) {
        const count = Math.min(CHUNKS_PER_PAGE, chunks - queued);
        // The entries of these chunks' strides, and the one after them: each chunk ends where the
        // next begins (the last entry is the end of the data).
        const firstEntry = queued * stridesPerChunk;
        const entries = await readEntries(index, firstEntry, Math.min((queued + count) * stridesPerChunk, strides) - firstEntry + 1);
        const entryAt = (entry: number) => decodeChunkIndexEntry(entries, (Math.min(entry, strides) - firstEntry) * BATCH_CHUNK_INDEX_ENTRY_BYTES);
        const children = Array.from({ length: count }, (_, offset) => {
          const chunk = queued + offset;
          const start = entryAt(chunk * stridesPerChunk);
          const end = entryAt((chunk + 1) * stridesPerChunk);
          const firstRow = chunk * batch.chunkSize;
          const chunkData: BatchChunkJobData = {
            schema: 1,
            batchJobId: data.batchJobId,
            chunk,
            firstRow,
            rowCount: Math.min(batch.chunkSize, batch.totalRows - firstRow),
            byteStart: start.byteOffset,
            byteEnd: end.byteOffset,
            firstLine: start.line,
            headerBytes,
          };
          return { name: BATCH_CHUNK_JOB, data: chunkData, opts: { ...options, jobId: chunkJobId(data.batchJobId, chunk) } };
        });
        await queue.addBulk(children);
        queued += count;
        await job.updateData({ ...data, chunksQueued: queued } satisfies BatchParentJobData);
        // Cancelled meanwhile: the chunks not yet added never will be.
        const now = await db.batchJob.findUnique({ where: { id: data.batchJobId }, select: { status: true } });
        if (now?.status !== 'running') break;
      }
    } finally {
      await index.close();
    }
    return queued;
  }

  /** The parent job failed for good: the batch job ends as failed with the reason, and its stored file is removed. */
  async abandon(batchJobId: string, reason: string): Promise<void> {
    const db = this.infrastructure.db;
    await failJob(db, batchJobId, reason);
    const batch = await db.batchJob.findUnique({ where: { id: batchJobId }, select: { filePath: true } });
    if (batch) await fs.rm(path.join(this.infrastructure.config.MODELGATE_DATA_DIR, path.dirname(batch.filePath)), { recursive: true, force: true });
  }

  /** Every chunk is done (or failed for good): the job ends, nothing is left unaccounted for. */
  private async finish(job: Job, batchJobId: string): Promise<void> {
    const db = this.infrastructure.db;
    const failedChunks = Object.entries(await job.getIgnoredChildrenFailures());
    const batch = await db.batchJob.findUnique({ where: { id: batchJobId }, select: { status: true, totalRows: true, rowsDone: true, filePath: true } });
    if (!batch) return;
    if (batch.status === 'running') {
      if (failedChunks.length > 0) {
        const [key, reason] = failedChunks[0]!;
        const chunk = /-c(\d+)$/.exec(key)?.[1] ?? '?';
        await failJob(db, batchJobId, `${failedChunks.length} chunk(s) could not be scored; chunk ${chunk}: ${reason}`);
      } else if (batch.rowsDone < batch.totalRows) {
        await failJob(db, batchJobId, `every chunk ran but only ${batch.rowsDone} of ${batch.totalRows} rows have a result`);
      } else if (!(await failJobOverBudget(db, batchJobId))) {
        // Every row is in. The last write ended the job unless the budget was exceeded and its
        // worker died before failing it: decided here, once more.
        await db.$executeRaw`UPDATE batch_jobs SET status = 'succeeded', finished_at = now() WHERE id = ${batchJobId}::uuid AND status = 'running'`;
      }
    }
    // Results live in PostgreSQL; the uploaded file and its index are no longer needed.
    await fs.rm(path.join(this.infrastructure.config.MODELGATE_DATA_DIR, path.dirname(batch.filePath)), { recursive: true, force: true });
    const final = await db.batchJob.findUnique({ where: { id: batchJobId }, select: { status: true, rowsDone: true, rowsFailed: true, totalRows: true } });
    this.logger.log(`batch job ${batchJobId} ${final?.status}: ${final?.rowsDone} of ${final?.totalRows} rows done, ${final?.rowsFailed} failed`);
  }
}

async function readEntries(index: fs.FileHandle, first: number, count: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(count * BATCH_CHUNK_INDEX_ENTRY_BYTES);
  const { bytesRead } = await index.read(buffer, 0, buffer.length, first * BATCH_CHUNK_INDEX_ENTRY_BYTES);
  if (bytesRead !== buffer.length) throw new Error(`the chunk index ends before entry ${first + count}: it was cut short`);
  return buffer;
}
