import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { ProblemCode } from '@modelgate/contracts';
import { MicroBatcher, runBatched } from '@modelgate/runtime';
import { fromWire, type HostTensor, TensorInputError, toWire } from '@modelgate/runtime/tensors';
import { ProblemException } from '../common/problem.exception.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import type { RoutedEndpoint, RoutedVersion } from '../endpoints/endpoint-routing.service.js';
import { ServingMetrics } from '../metrics/serving-metrics.js';
import { GatewaySessions } from './gateway-sessions.js';
import { InferenceDispatcher } from './inference-dispatcher.js';

export interface PendingInference {
  requestId: string;
  inputs: Record<string, HostTensor>;
  outputs?: string[];
  /** performance.now() when it joined the queue, for its queue wait. */
  submittedAt: number;
}

export interface InferenceTimings {
  /** Waiting for a run to start (in the batcher, plus the job queue for `worker`). */
  queueMs: number;
  inferenceMs: number;
  coldStart: boolean;
  /** How many requests shared the run. */
  batchSize: number;
}

export interface InferenceAnswer {
  outputs: Record<string, HostTensor>;
  timings: InferenceTimings;
}

type Batcher = MicroBatcher<PendingInference, InferenceAnswer>;

/**
 * One adaptive MicroBatcher per endpoint × version in this process, for both placements: with
 * `gateway` a batch runs on the model loaded here; with `worker` it travels as one job (one Redis
 * round trip for the whole batch) and comes back as one reply. The batcher's queue is the
 * endpoint's bounded queue: beyond maxQueueDepth waiting requests, callers get 503.
 */
@Injectable()
export class VersionBatchers {
  private readonly batchers = new Map<string, { config: RoutedEndpoint['config']; settings: string; batcher: Batcher; served: RoutedVersion }>();

  constructor(
    private readonly gateway: GatewaySessions,
    private readonly dispatcher: InferenceDispatcher,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    metrics: ServingMetrics,
  ) {
    metrics.gauge('modelgate_queue_depth', 'Requests waiting in this API process for a run of their version (maxQueueDepth bounds it)', ['endpoint', 'model', 'version', 'placement', 'traffic'], () =>
      [...this.batchers.values()].map(({ served, batcher }) => ({
        labels: { endpoint: served.series.endpoint, model: served.model, version: String(served.version), placement: served.series.placement, traffic: served.series.traffic },
        value: batcher.queued,
      })),
    );
  }

  submit(endpoint: RoutedEndpoint, served: RoutedVersion, request: PendingInference): Promise<InferenceAnswer> {
    return this.batcherFor(endpoint, served).submit(request);
  }

  private batcherFor(endpoint: RoutedEndpoint, served: RoutedVersion): Batcher {
    const key = `${endpoint.name}\u0000${served.versionId}`;
    const existing = this.batchers.get(key);
    // Routing hands out the same config object until the endpoint changes: no per-request work.
    if (existing?.config === endpoint.config) return existing.batcher;
    const { placement, batching, maxQueueDepth, timeoutMs } = endpoint.config;
    // A reload with the same settings keeps the batcher (and what is queued in it).
    const settings = JSON.stringify([placement, batching, maxQueueDepth, timeoutMs]);
    if (existing?.settings === settings) {
      existing.config = endpoint.config;
      return existing.batcher;
    }
    // Settings changed (PATCH): requests already queued finish on the old batcher; new ones use these.
    const run = placement === 'gateway' ? (batch: PendingInference[]) => this.runInProcess(served, batch) : (batch: PendingInference[]) => this.runOnWorkers(endpoint, served, batch);
    const batcher: Batcher = new MicroBatcher({
      maxBatchSize: batching.maxBatchSize,
      maxDelayMs: batching.maxDelayMs,
      maxQueued: maxQueueDepth,
      maxConcurrentRuns: this.config.MODELGATE_RUNS_IN_FLIGHT,
      run,
    });
    this.batchers.set(key, { config: endpoint.config, settings, batcher, served });
    return batcher;
  }

  private async runInProcess(served: RoutedVersion, batch: PendingInference[]): Promise<Array<InferenceAnswer | Error>> {
    const startedAt = performance.now();
    let loaded = false;
    const { answers, coldStart, inferenceMs } = await this.gateway
      .use(served.versionId, async (model, info) => {
        loaded = true;
        const inferenceStart = performance.now();
        const answers = await runBatched(model, batch);
        return { answers, coldStart: info.coldStart, inferenceMs: performance.now() - inferenceStart };
      })
      .catch((error: unknown) => {
        if (loaded) throw error;
        throw new ProblemException(503, ProblemCode.unavailable, `${served.model}@v${served.version} could not be loaded: ${(error as Error).message}`, undefined, {
          'retry-after': '1',
        });
      });
    return answers.map(({ result, runSize }, index) =>
      result instanceof Error
        ? modelFailure(result)
        : { outputs: result, timings: { queueMs: startedAt - batch[index]!.submittedAt, inferenceMs, coldStart, batchSize: runSize } },
    );
  }

  private async runOnWorkers(endpoint: RoutedEndpoint, served: RoutedVersion, batch: PendingInference[]): Promise<Array<InferenceAnswer | Error>> {
    const sentAt = performance.now();
    const results = await this.dispatcher.dispatch(
      served.versionId,
      batch.map((request) => ({
        requestId: request.requestId,
        inputs: Object.fromEntries(Object.entries(request.inputs).map(([name, tensor]) => [name, toWire(tensor)])),
        ...(request.outputs ? { outputs: request.outputs } : {}),
      })),
      { timeoutMs: endpoint.config.timeoutMs, endpoint: endpoint.name },
    );
    return results.map((result, index) =>
      result.ok
        ? {
            outputs: Object.fromEntries(Object.entries(result.outputs).map(([name, wire]) => [name, fromWire(wire)])),
            timings: { ...result.timings, queueMs: sentAt - batch[index]!.submittedAt + result.timings.queueMs },
          }
        : new ProblemException(result.error.status, result.error.code, result.error.detail),
    );
  }
}

/** A request the model refused is the caller's (400); anything else is the model's failure. */
function modelFailure(error: Error): ProblemException {
  if (error instanceof TensorInputError) return ProblemException.badInput(error.message, [{ path: error.path, message: error.message }]);
  return new ProblemException(500, ProblemCode.inferenceFailed, `the model failed while running: ${error.message}`);
}
