import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Channel, InferBatchReply, inferenceQueueName, ProblemCode, type InferBatchJobData, type InferResult } from '@modelgate/contracts';
import { Queue } from 'bullmq';
import { ProblemException } from '../common/problem.exception.js';
import { RedisBus } from '../infrastructure/redis.module.js';

interface PendingReply {
  resolve: (reply: InferBatchReply | 'timeout') => void;
  timer: NodeJS.Timeout;
}

export type DispatchedRequest = InferBatchJobData['requests'][number];

/**
 * Sends inference to the worker pool: the requests the micro-batcher gathered for one version go
 * as ONE BullMQ job on the version's queue, answered on this process's own reply channel (a
 * direct message, not a broadcast every API process filters). Completed jobs are not retained:
 * the answer lives only in the reply.
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
      const parsed = InferBatchReply.safeParse(JSON.parse(message));
      if (!parsed.success) {
        this.logger.warn(`ignored a malformed inference reply: ${parsed.error.message}`);
        return;
      }
      const waiting = this.pending.get(parsed.data.dispatchId);
      if (!waiting) return; // already timed out
      this.pending.delete(parsed.data.dispatchId);
      clearTimeout(waiting.timer);
      waiting.resolve(parsed.data);
    });
  }

  /** One result per request, in order; a timeout or an unreachable queue throws for all of them. */
  async dispatch(versionId: string, requests: DispatchedRequest[], options: { timeoutMs: number; endpoint: string }): Promise<InferResult[]> {
    const dispatchId = randomUUID();
    const queue = this.queueFor(versionId);
    const job: InferBatchJobData = {
      schema: 2,
      dispatchId,
      versionId,
      replyTo: this.bus.channel(Channel.replies(this.processId)),
      enqueuedAt: Date.now(),
      requests,
    };
    const reply = new Promise<InferBatchReply | 'timeout'>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(dispatchId);
        resolve('timeout');
      }, options.timeoutMs);
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
    const answer = await reply;
    if (answer === 'timeout') {
      // Nobody will read the answer: drop the job if no worker has taken it yet.
      void queue.remove(dispatchId).catch(() => undefined);
      throw inferenceTimeout(options.endpoint, options.timeoutMs);
    }
    return answer.results;
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

export function inferenceTimeout(endpoint: string, timeoutMs: number): ProblemException {
  return new ProblemException(
    504,
    ProblemCode.timeout,
    `endpoint "${endpoint}" did not answer within its timeoutMs of ${timeoutMs} ms; check that a worker is running (npm run dev starts one) or raise timeoutMs`,
  );
}
