import path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { BatchChunkJobData, BatchMapping, BatchFileFormat, primaryOf, type Signature } from '@modelgate/contracts';
import { failJob, failJobOverBudget, readBatchJobStatus, writeBatchChunkResults, type BatchChunkRowResult, type StoredRoute } from '@modelgate/db';
import { EndpointScorer, type ScoringTarget } from '../scoring/endpoint-scorer.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { readChunkRows, readCsvHeader } from './chunk-reader.js';
import { CsvTensorReader } from './csv-tensor-reader.js';
import { RowInputReader } from './row-inputs.js';

export type ChunkOutcome = { skipped: string } | { written: number; rowsDone: number; totalRows: number };

/** How a job's rows are read and scored: the same for all its chunks, so looked up once per worker. */
interface JobPlan {
  target: ScoringTarget;
  format: BatchFileFormat;
  filePath: string;
  reader: RowInputReader;
  /** Reads a CSV chunk's rows column-wise into batched tensors, when the mapping and signature allow it. */
  tensors: CsvTensorReader | null;
  header: Map<string, number> | null;
  loadedAt: number;
}

/**
 * A plan is kept this long: an endpoint's primary version (whose signature rows are read against)
 * can change while its job runs, so a plan is not kept for the job's whole life.
 */
const PLAN_TTL_MS = 5_000;
const PLANS_KEPT = 32;

/**
 * Scores one chunk of a batch file: reads its rows from the stored file, turns them into inputs
 * with the job's mapping, scores them through the job's target, and writes every row's result
 * once. Rows fail alone, with their reason and file line. A chunk of a job that is no longer
 * running (cancelled, failed) is skipped: that is how cancelling stops the remaining chunks.
 */
@Injectable()
export class BatchChunks {
  private readonly logger = new Logger(BatchChunks.name);
  private readonly plans = new Map<string, JobPlan>();

  constructor(
    private readonly infrastructure: WorkerInfrastructure,
    private readonly scorer: EndpointScorer,
  ) {}

  async score(data: BatchChunkJobData): Promise<ChunkOutcome> {
    const db = this.infrastructure.db;
    const status = await readBatchJobStatus(this.infrastructure.pool, data.batchJobId);
    if (!status) return { skipped: 'the batch job no longer exists' };
    if (status !== 'running') return { skipped: `the batch job is ${status}` };
    const plan = await this.planOf(data);
    if (!plan) return { skipped: 'the endpoint was deleted' };

    const rows = await readChunkRows(plan.filePath, plan.format, data);
    const results: BatchChunkRowResult[] = new Array(rows.count);
    // Each row's key is its place in the job: an endpoint's routing picks the same version for it
    // however often its chunk runs.
    const keyOf = (index: number) => `${data.batchJobId}:${data.firstRow + index}`;
    const resultOf = (index: number, versionId: string | null, outputsJson: string | null, error: string | null): BatchChunkRowResult => ({
      row: data.firstRow + index,
      line: rows.lineOf(index),
      versionId,
      outputsJson,
      error,
    });

    // Rows in the common layout go column-wise into batched tensors; the rest (and any the tensor
    // path hands back) are read and scored one by one.
    let oneByOne: number[] = Array.from({ length: rows.count }, (_, index) => index);
    if (plan.tensors) {
      const read = plan.tensors.read(rows);
      const scores = await this.scorer.scoreTensors(plan.target, { inputs: read.inputs, count: read.rows.length, keyOf: (position) => keyOf(read.rows[position]!) });
      oneByOne = read.others;
      for (let position = 0; position < read.rows.length; position++) {
        const index = read.rows[position]!;
        const score = scores[position];
        if (score === undefined) oneByOne.push(index);
        else results[index] = resultOf(index, score.versionId, score.outputsJson, null);
      }
    }

    const toScore: { index: number; inputs: Record<string, unknown> }[] = [];
    for (const index of oneByOne) {
      const row = rows.row(index);
      const inputs = 'error' in row ? { ok: false as const, error: row.error } : 'fields' in row ? plan.reader.fromCsv(plan.header!, row.fields) : plan.reader.fromJson(row.object);
      if (inputs.ok) toScore.push({ index, inputs: inputs.inputs });
      else results[index] = resultOf(index, null, null, inputs.error);
    }
    const scores =
      toScore.length === 0
        ? []
        : await this.scorer.score(
            plan.target,
            toScore.map(({ index, inputs }) => ({ key: keyOf(index), inputs })),
          );
    scores.forEach((score, position) => {
      const { index } = toScore[position]!;
      results[index] = score.ok
        ? resultOf(index, score.versionId, JSON.stringify(plan.reader.rowOutputs(score.outputs)), null)
        : resultOf(index, score.versionId ?? null, null, score.error);
    });

    const tally = await writeBatchChunkResults(this.infrastructure.pool, data.batchJobId, results);
    if (tally.rowsFailed > tally.allowedFailures && (await failJobOverBudget(db, data.batchJobId))) {
      this.logger.warn(`batch job ${data.batchJobId} failed: ${tally.rowsFailed} failed rows exceed its error budget (${tally.allowedFailures})`);
    }
    return { written: tally.written, rowsDone: tally.rowsDone, totalRows: tally.totalRows };
  }

  private async planOf(data: BatchChunkJobData): Promise<JobPlan | null> {
    const cached = this.plans.get(data.batchJobId);
    if (cached && Date.now() - cached.loadedAt < PLAN_TTL_MS) return cached;
    const db = this.infrastructure.db;
    const job = await db.batchJob.findUniqueOrThrow({
      where: { id: data.batchJobId },
      select: { format: true, filePath: true, mapping: true, versionId: true, endpoint: { select: { name: true } } },
    });
    const target: ScoringTarget | null = job.versionId ? { versionId: job.versionId } : job.endpoint ? { endpoint: job.endpoint.name } : null;
    if (!target) {
      await failJob(db, data.batchJobId, 'the endpoint this job scores through was deleted');
      return null;
    }
    const format = BatchFileFormat.parse(job.format);
    const filePath = path.join(this.infrastructure.config.MODELGATE_DATA_DIR, job.filePath);
    const mapping = BatchMapping.parse(job.mapping);
    const signature = await this.primarySignature(target);
    const header = format === 'csv' ? await readCsvHeader(filePath, data.headerBytes) : null;
    const plan: JobPlan = {
      target,
      format,
      filePath,
      reader: new RowInputReader(mapping, signature),
      tensors: header ? CsvTensorReader.for(mapping, signature, header) : null,
      header,
      loadedAt: Date.now(),
    };
    this.plans.delete(data.batchJobId);
    this.plans.set(data.batchJobId, plan);
    // Oldest first in a Map: past the limit, the plan loaded longest ago goes.
    if (this.plans.size > PLANS_KEPT) this.plans.delete(this.plans.keys().next().value!);
    return plan;
  }

  /**
   * The signature rows are read against: the pinned version's, or that of the version the
   * endpoint sends the most traffic to (each row is still decoded against the version that scores it).
   */
  private async primarySignature(target: ScoringTarget): Promise<Signature> {
    const db = this.infrastructure.db;
    let versionId: string;
    if ('versionId' in target) versionId = target.versionId;
    else {
      const endpoint = await db.endpoint.findUnique({ where: { name: target.endpoint }, select: { activeRevision: { select: { routes: true } } } });
      const primary = primaryOf((endpoint?.activeRevision?.routes ?? []) as unknown as StoredRoute[]);
      if (!primary) throw new Error(`endpoint "${target.endpoint}" has no deployed version`);
      versionId = primary.versionId;
    }
    const version = await db.modelVersion.findUnique({ where: { id: versionId }, select: { signature: true } });
    if (!version) throw new Error(`model version ${versionId} no longer exists`);
    return version.signature as unknown as Signature;
  }
}
