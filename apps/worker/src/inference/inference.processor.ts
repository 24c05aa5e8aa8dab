import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InferJobData, ProblemCode, type InferResult } from '@modelgate/contracts';
import { fromWire, TensorInputError, toWire, WireTensorError } from '@modelgate/runtime/tensors';
import type { Job } from 'bullmq';
import type { QueueProcessorRegistration } from '../queues/queue-catalogue.js';
import { WorkerInfrastructure } from '../worker-infrastructure.js';
import { ModelSessions } from './model-sessions.js';

type InferFailure = Extract<InferResult, { ok: false }>['error'];

/**
 * Runs one realtime inference job and replies straight to the API process that waits for it.
 * Model errors are answered, not thrown: retrying a deterministic failure would only repeat it.
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
    const parsed = InferJobData.safeParse(job.data);
    if (!parsed.success) {
      // Without a valid payload there may be no reply channel; the job fails visibly instead.
      throw new Error(`job ${job.id} on ${job.queueName} is not an InferJobData payload: ${parsed.error.message}`);
    }
    const data = parsed.data;
    const startedAt = Date.now();
    let result: InferResult;
    try {
      const inputs = Object.fromEntries(Object.entries(data.inputs).map(([name, wire]) => [name, fromWire(wire)]));
      const { model, coldStart } = await this.sessions.get(data.versionId).catch((error: unknown) => {
        throw new ModelUnavailableError(data.versionId, error);
      });
      const inferenceStart = performance.now();
      const outputs = await model.run(inputs, data.outputs);
      const inferenceMs = performance.now() - inferenceStart;
      result = {
        ok: true,
        requestId: data.requestId,
        outputs: Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [name, toWire(tensor)])),
        timings: { queueMs: Math.max(0, startedAt - data.enqueuedAt), inferenceMs, coldStart },
        workerId: this.infrastructure.config.MODELGATE_WORKER_ID,
      };
    } catch (error) {
      result = { ok: false, requestId: data.requestId, error: this.describeFailure(error), workerId: this.infrastructure.config.MODELGATE_WORKER_ID };
    }
    await this.infrastructure.redis.publish(data.replyTo, JSON.stringify(result));
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
