import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Channel, InferResult, inferenceQueueName, ProblemCode, type InferJobData, type WireTensorMap } from '@modelgate/contracts';
import { Queue } from 'bullmq';
import { ProblemException } from '../common/problem.exception.js';
import { RedisBus } from '../infrastructure/redis.module.js';

type InferSuccess = Extract<InferResult, { ok: true }>;

interface PendingReply {
  resolve: (result: InferResult) => void;
  timer: NodeJS.Timeout;
}

export interface DispatchRequest {
  versionId: string;
  inputs: WireTensorMap;
  outputs?: string[];
  timeoutMs: number;
  /** For the timeout message. */
  endpoint: string;
}

/**
 * Sends inference to the worker pool: one BullMQ job on the version's queue, answered on this
 * process's own reply channel (a direct message, not a broadcast every API process filters).
 * Completed jobs are not retained: the answer lives only in the reply.
 */
@Injectable()
export class InferenceDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceDispatcher.name);
  readonly processId = randomUUID();
  private readonly pending = new Map<string, PendingReply>();
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly bus: RedisBus) {}

  async onModuleInit() {
    await this.bus.subscribe(Channel.replies(this.processId), (message) => {
      const parsed = InferResult.safeParse(JSON.parse(message));
      if (!parsed.success) {
        this.logger.warn(`ignored a malformed inference reply: ${parsed.error.message}`);
        return;
      }
      const waiting = this.pending.get(parsed.data.requestId);
      if (!waiting) return; // already timed out
      this.pending.delete(parsed.data.requestId);
      clearTimeout(waiting.timer);
      waiting.resolve(parsed.data);
    });
  }

  async dispatch(request: DispatchRequest): Promise<InferSuccess> {
    const dispatchId = randomUUID();
    const queue = this.queueFor(request.versionId);
    const job: InferJobData = {
      schema: 1,
      requestId: dispatchId,
      versionId: request.versionId,
      replyTo: this.bus.channel(Channel.replies(this.processId)),
      enqueuedAt: Date.now(),
      inputs: request.inputs,
      ...(request.outputs ? { outputs: request.outputs } : {}),
    };
    const reply = new Promise<InferResult | 'timeout'>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(dispatchId);
        resolve('timeout');
      }, request.timeoutMs);
      this.pending.set(dispatchId, { resolve, timer });
    });
    try {
      await queue.add('infer', job, { jobId: dispatchId, removeOnComplete: true, removeOnFail: true, attempts: 1 });
    } catch (error) {
      const pending = this.pending.get(dispatchId);
      if (pending) clearTimeout(pending.timer);
      this.pending.delete(dispatchId);
      throw new ProblemException(503, ProblemCode.unavailable, `the inference queue is unreachable (Redis): ${(error as Error).message}`, undefined, {
        'retry-after': '1',
      });
    }
    const result = await reply;
    if (result === 'timeout') {
      // Nobody will read the answer: drop the job if no worker has taken it yet.
      void queue.remove(dispatchId).catch(() => undefined);
      throw new ProblemException(
        504,
        ProblemCode.timeout,
        `endpoint "${request.endpoint}" did not answer within its timeoutMs of ${request.timeoutMs} ms; check that a worker is running (npm run dev starts one) or raise timeoutMs`,
      );
    }
    if (!result.ok) throw new ProblemException(result.error.status, result.error.code, result.error.detail);
    return result;
  }

  private queueFor(versionId: string): Queue {
    let queue = this.queues.get(versionId);
    if (!queue) {
      queue = new Queue(inferenceQueueName(versionId), { connection: this.bus.connection, prefix: this.bus.prefix });
      this.queues.set(versionId, queue);
    }
    return queue;
  }

  async onApplicationShutdown() {
    for (const waiting of this.pending.values()) clearTimeout(waiting.timer);
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
  }
}
