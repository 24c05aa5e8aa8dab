import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { compareOutputs, type HostTensor } from '@modelgate/runtime/tensors';
import type { RoutedEndpoint } from '../endpoints/endpoint-routing.service.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { answerWithin, outcomeOf } from './prediction-outcome.js';
import { VersionBatchers } from './version-batchers.js';

/**
 * Copies answered requests to the endpoint's shadow versions (each at its percent), after the
 * caller has its answer: a shadow never changes an answer or its latency. Outcomes, latency and
 * how each answer compared with the caller's (agreement, largest difference) are counted under the
 * shadow's own series, apart from live traffic; failures are counted, never raised.
 */
@Injectable()
export class ShadowTraffic {
  private readonly logger = new Logger(ShadowTraffic.name);

  constructor(
    private readonly batchers: VersionBatchers,
    private readonly recorder: LatencyRecorder,
  ) {}

  /** `served`: the outputs the caller got, which each shadow's answer is compared with. */
  mirror(endpoint: RoutedEndpoint, inputs: Record<string, HostTensor>, served: Record<string, HostTensor>, requestId: string) {
    for (const shadow of endpoint.shadows) {
      if (Math.random() * 100 >= shadow.weight) continue;
      const startedAt = performance.now();
      // A promise, whatever happens: nothing a shadow does may reach the caller's request.
      Promise.resolve()
        .then(() => answerWithin(endpoint, this.batchers.submit(endpoint, shadow, { requestId: `${requestId}:shadow:${shadow.version}`, inputs, submittedAt: startedAt })))
        .then(
          ({ outputs, timings }) =>
            this.recorder.record(shadow.series, { outcome: '2xx', latencyMs: performance.now() - startedAt, ...timings, comparison: compareOutputs(served, outputs) }),
          (error: unknown) => {
            this.recorder.record(shadow.series, { outcome: outcomeOf(error) });
            this.logger.debug(`shadow ${shadow.model}@v${shadow.version} of "${endpoint.name}" failed: ${(error as Error).message}`);
          },
        )
        .catch((error: unknown) => this.logger.warn(`could not count a shadow answer of "${endpoint.name}": ${(error as Error).message}`));
    }
  }
}
