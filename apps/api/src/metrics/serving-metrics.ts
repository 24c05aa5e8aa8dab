import { Inject, Injectable } from '@nestjs/common';
import { LATENCY_BOUNDS_MS, type PredictionOutcome } from '@modelgate/contracts';
import { collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';
import { LatencyRecorder, type LatencyCounts, type PredictionSeries } from './latency-recorder.js';

const SERIES_LABELS = ['endpoint', 'model', 'version', 'placement', 'traffic'] as const;
type SeriesLabels = Record<(typeof SERIES_LABELS)[number], string>;

/** The outcome classes, with the LatencyCounts field counting each. */
const OUTCOME_FIELDS: Array<[PredictionOutcome, keyof LatencyCounts]> = [
  ['2xx', 'ok'],
  ['4xx', 'clientErrors'],
  ['5xx', 'serverErrors'],
  ['timeout', 'timeouts'],
  ['shed', 'shed'],
];

/** One sample line of the exposition, as prom-client's registry prints it. */
interface ExposedValue {
  labels: Record<string, string>;
  value: number;
  /** For histograms: the `_bucket`, `_sum` or `_count` line. */
  metricName?: string;
}

const BOUNDS_SECONDS = LATENCY_BOUNDS_MS.map((ms) => String(ms / 1000));

/**
 * The process's Prometheus registry. Prediction metrics are not observed a second time: they are
 * read at scrape time from the LatencyRecorder's lifetime counts, so /metrics and the rollups
 * show the same numbers in the same buckets, and a request costs one recording, not two.
 * Labels stay bounded: endpoints, versions and placements are few; request ids never become labels.
 */
@Injectable()
export class ServingMetrics {
  readonly registry = new Registry();

  constructor(@Inject(LatencyRecorder) private readonly recorder: LatencyRecorder) {
    collectDefaultMetrics({ register: this.registry, prefix: 'modelgate_api_' });
    this.exposeFromRecorder('modelgate_prediction_duration_seconds', 'histogram', 'Latency of answered predictions in the API, from arrival to answer', (series, counts) =>
      histogramValues(labelsOf(series), counts),
    );
    this.exposeFromRecorder('modelgate_predictions_total', 'counter', 'Predictions by endpoint, version, placement, traffic (live or shadow) and outcome class', (series, counts) =>
      OUTCOME_FIELDS.map(([outcome, field]) => ({ labels: { ...labelsOf(series), outcome }, value: counts[field] as number })),
    );
    this.exposeFromRecorder('modelgate_cold_starts_total', 'counter', 'Predictions that had to load their model first (scale from zero, eviction, first use)', (series, counts) => [
      { labels: labelsOf(series), value: counts.coldStarts },
    ]);
    this.exposeFromRecorder('modelgate_queue_wait_seconds_total', 'counter', 'Time answered predictions waited for a run (divide by the 2xx count for the mean)', (series, counts) => [
      { labels: labelsOf(series), value: counts.queueMsSum / 1000 },
    ]);
    this.exposeFromRecorder('modelgate_batched_requests_total', 'counter', 'Sum of the batch sizes answered predictions ran in (divide by the 2xx count for the mean batch size)', (series, counts) => [
      { labels: labelsOf(series), value: counts.batchSizeSum },
    ]);
  }

  /** A gauge read when scraped, from a source another module owns (queues, loaded sessions). */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Array<{ labels: Record<L, string>; value: number }>) {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { labels, value } of read()) this.set(labels as Partial<Record<L, string>>, value);
      },
    });
  }

  private exposeFromRecorder(name: string, type: 'counter' | 'histogram', help: string, values: (series: PredictionSeries, counts: LatencyCounts) => ExposedValue[]) {
    const recorder = this.recorder;
    this.registry.registerMetric({
      name,
      help,
      type,
      get: async () => ({ name, help, type, aggregator: 'sum', values: recorder.lifetime().flatMap(({ series, counts }) => values(series, counts)) }),
    } as unknown as Metric);
  }
}

function labelsOf(series: PredictionSeries): SeriesLabels {
  return { endpoint: series.endpoint, model: series.model, version: String(series.version), placement: series.placement, traffic: series.traffic };
}

function histogramValues(labels: SeriesLabels, counts: LatencyCounts): ExposedValue[] {
  const values: ExposedValue[] = [];
  let cumulative = 0;
  for (let k = 0; k < BOUNDS_SECONDS.length; k++) {
    cumulative += counts.buckets[k]!;
    values.push({ metricName: 'modelgate_prediction_duration_seconds_bucket', labels: { ...labels, le: BOUNDS_SECONDS[k]! }, value: cumulative });
  }
  cumulative += counts.buckets[BOUNDS_SECONDS.length]!;
  values.push({ metricName: 'modelgate_prediction_duration_seconds_bucket', labels: { ...labels, le: '+Inf' }, value: cumulative });
  values.push({ metricName: 'modelgate_prediction_duration_seconds_sum', labels, value: counts.latencyMsSum / 1000 });
  values.push({ metricName: 'modelgate_prediction_duration_seconds_count', labels, value: cumulative });
  return values;
}
