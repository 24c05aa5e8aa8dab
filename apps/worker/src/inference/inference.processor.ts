import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InferBatchJobData, InferJobData, ProblemCode, type InferBatchReply, type InferResult } from '@modelgate/contracts';
import { runBatched, type BatchRequest } from '@modelgate/runtime';
import { fromWire, TensorInputError, toWire, WireTensorError } from '@modelgate/runtime/tensors';
import type { Job } from 'bullmq';
import type { QueueProcessorRegistration } from '../queues/queue-catalogue.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { ModelSessions } from './model-sessions.js';

type InferFailure = Extract<InferResult, { ok: false }>['error'];
type JobRequest = InferBatchJobData['requests'][number];

/**
 * Runs realtime inference jobs and replies straight to the API process that waits. A job carries
 * the requests the API's micro-batcher gathered for one version (schema 2); they run batched where
 * the model allows. Model errors are answered per request, not thrown: retrying a deterministic
 * failure would only repeat it.
 */
@Injectable()
export class InferenceProcessor {
  private readonly logger = new Logger(InferenceProcessor.name);
  readonly registration: QueueProcessorRegistration = { family: 'inference', describe: 'realtime inference, one queue per model version' };

  constructor(
    private readonly sessions: ModelSessions,
    private readonly infrastructure: WorkerInfrastructure,
  ) {}

  async process(job: Job): Promise<void> {
    const batch = InferBatchJobData.safeParse(job.data);
    if (batch.success) {
      const { dispatchId, versionId, enqueuedAt, requests, replyTo } = batch.data;
      const reply: InferBatchReply = { dispatchId, workerId: this.workerId, results: await this.run(versionId, enqueuedAt, requests) };
      await this.infrastructure.redis.publish(replyTo, JSON.stringify(reply));
      return;
    }
    // Schema 1 (one request per job) from an API process started before schema 2 existed.
    const single = InferJobData.safeParse(job.data);
    if (single.success) {
      const { requestId, versionId, enqueuedAt, inputs, outputs, replyTo } = single.data;
      const [result] = await this.run(versionId, enqueuedAt, [{ requestId, inputs, ...(outputs ? { outputs } : {}) }]);
      await this.infrastructure.redis.publish(replyTo, JSON.stringify(result));
      return;
    }
    // Without a valid payload there may be no reply channel; the job fails visibly instead.
    throw new Error(`job ${job.id} on ${job.queueName} is neither an InferBatchJobData nor an InferJobData payload: ${batch.error.message}`);
  }

  private get workerId() {
    return this.infrastructure.config.MODELGATE_WORKER_ID;
  }

  private async run(versionId: string, enqueuedAt: number, requests: JobRequest[]): Promise<InferResult[]> {
    const startedAt = Date.now();
    const results: (InferResult | undefined)[] = new Array(requests.length);
    // Payloads are re-checked (byte lengths against dtype × shape); one that does not fit fails alone.
    const decoded: { index: number; request: BatchRequest }[] = [];
    requests.forEach((request, index) => {
      try {
        const inputs = Object.fromEntries(Object.entries(request.inputs).map(([name, wire]) => [name, fromWire(wire)]));
        decoded.push({ index, request: { inputs, ...(request.outputs ? { outputs: request.outputs } : {}) } });
      } catch (error) {
        results[index] = this.failure(request.requestId, error);
      }
    });
    if (decoded.length > 0) {
      try {
        let loaded = false;
        const { answers, coldStart, inferenceMs } = await this.sessions
          .use(versionId, async (model, info) => {
            loaded = true;
            const inferenceStart = performance.now();
            const answers = await runBatched(
              model,
              decoded.map((item) => item.request),
            );
            return { answers, coldStart: info.coldStart, inferenceMs: performance.now() - inferenceStart };
          })
          .catch((error: unknown) => {
            throw loaded ? error : new ModelUnavailableError(versionId, error);
          });
        const queueMs = Math.max(0, startedAt - enqueuedAt);
        answers.forEach(({ result, runSize }, position) => {
          const { index } = decoded[position]!;
          const requestId = requests[index]!.requestId;
          results[index] =
            result instanceof Error
              ? this.failure(requestId, result)
              : {
                  ok: true,
                  requestId,
                  outputs: Object.fromEntries(Object.entries(result).map(([name, tensor]) => [name, toWire(tensor)])),
                  timings: { queueMs, inferenceMs, coldStart, batchSize: runSize },
                  workerId: this.workerId,
                };
        });
      } catch (error) {
        for (const { index } of decoded) results[index] = this.failure(requests[index]!.requestId, error);
      }
    }
    return results as InferResult[];
  }

  private failure(requestId: string, error: unknown): InferResult {
    return { ok: false, requestId, error: this.describeFailure(error), workerId: this.workerId };
  }

  private describeFailure(error: unknown): InferFailure {
    // The API validated the inputs; a payload that still does not fit (e.g. a producer of another
    // version) is the sender's mistake, not the model's.
    if (error instanceof TensorInputError || error instanceof WireTensorError) return { status: 400, code: ProblemCode.badInput, detail: error.message };
    if (error instanceof ModelUnavailableError) {
      this.logger.error(error.message);
      return { status: 503, code: ProblemCode.unavailable, detail: error.message };
    }
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(`inference failed: ${message}`);
    return { status: 500, code: ProblemCode.inferenceFailed, detail: `the model failed while running: ${message}` };
  }
}

class ModelUnavailableError extends Error {
  constructor(versionId: string, cause: unknown) {
    super(`model version ${versionId} could not be loaded by the worker: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
