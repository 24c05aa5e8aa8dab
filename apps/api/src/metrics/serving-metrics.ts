import { Injectable } from '@nestjs/common';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

export type PredictionOutcome = '2xx' | '4xx' | '5xx' | 'timeout' | 'shed';

/**
 * The process's Prometheus registry: process metrics plus what served each prediction. Labels stay
 * bounded: endpoints, versions and placements are few; request ids and inputs never become labels.
 */
@Injectable()
export class ServingMetrics {
  readonly registry = new Registry();
  private readonly predictions = new Counter({
    name: 'modelgate_predictions_total',
    help: 'Predictions answered, by endpoint, model version, placement and outcome class',
    labelNames: ['endpoint', 'model', 'version', 'placement', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly coldStarts = new Counter({
    name: 'modelgate_cold_starts_total',
    help: 'Predictions that had to load their model first (scale from zero, eviction, first use)',
    labelNames: ['endpoint', 'model', 'version', 'placement'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'modelgate_api_' });
  }

  recordPrediction(labels: { endpoint: string; model: string; version: number; placement: string }, outcome: PredictionOutcome, coldStart = false) {
    const common = { ...labels, version: String(labels.version) };
    this.predictions.inc({ ...common, outcome });
    if (coldStart) this.coldStarts.inc(common);
  }
}

/** The outcome class of a failed prediction, from the status the caller gets. */
export function outcomeOf(status: number, code?: string): PredictionOutcome {
  if (code === 'queue_full') return 'shed';
  if (status === 504) return 'timeout';
  return status >= 500 ? '5xx' : '4xx';
}
