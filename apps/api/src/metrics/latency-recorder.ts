import { LATENCY_BUCKET_COUNT, latencyBucketOf, type PredictionOutcome, type TrafficKind } from '@modelgate/contracts';
import type { LatencyRollupDelta } from '@modelgate/db';
import type { OutputComparison } from '@modelgate/runtime/tensors';

/** What one prediction was served by; the same object for every request a route serves. */
export interface PredictionSeries {
  endpointId: string;
  endpoint: string;
  versionId: string;
  model: string;
  version: number;
  placement: string;
  traffic: TrafficKind;
}

/** How one prediction went. Timings are for answered (2xx) predictions only. */
export interface PredictionSample {
  outcome: PredictionOutcome;
  /** From the request's arrival at the API to its answer. */
  latencyMs?: number;
  queueMs?: number;
  inferenceMs?: number;
  batchSize?: number;
  coldStart?: boolean;
  /** Shadow copies: how the shadow's answer compared with the one the caller got. */
  comparison?: OutputComparison | null;
}

/** Counts of one series over some span: a minute waiting to be flushed, or the life of the process. */
export class LatencyCounts {
  requests = 0;
  ok = 0;
  clientErrors = 0;
  serverErrors = 0;
  timeouts = 0;
  shed = 0;
  coldStarts = 0;
  latencyMsSum = 0;
  queueMsSum = 0;
  inferenceMsSum = 0;
  batchSizeSum = 0;
  compared = 0;
  classified = 0;
  agreed = 0;
  /** -Infinity until something is compared. */
  maxAbsDiff = Number.NEGATIVE_INFINITY;
  readonly buckets = new Float64Array(LATENCY_BUCKET_COUNT);

  add(sample: PredictionSample) {
    this.requests += 1;
    switch (sample.outcome) {
      case '2xx':
        this.ok += 1;
        break;
      case '4xx':
        this.clientErrors += 1;
        break;
      case '5xx':
        this.serverErrors += 1;
        break;
      case 'timeout':
        this.timeouts += 1;
        break;
      case 'shed':
        this.shed += 1;
        break;
    }
    if (sample.coldStart) this.coldStarts += 1;
    if (sample.outcome === '2xx' && sample.latencyMs !== undefined) {
      this.latencyMsSum += sample.latencyMs;
      this.queueMsSum += sample.queueMs ?? 0;
      this.inferenceMsSum += sample.inferenceMs ?? 0;
      this.batchSizeSum += sample.batchSize ?? 1;
      this.buckets[latencyBucketOf(sample.latencyMs)]! += 1;
    }
    const comparison = sample.comparison;
    if (comparison) {
      this.compared += 1;
      if (comparison.classified) this.classified += 1;
      if (comparison.agreed) this.agreed += 1;
      if (comparison.maxAbsDiff !== null) this.maxAbsDiff = Math.max(this.maxAbsDiff, comparison.maxAbsDiff);
    }
  }

  merge(other: LatencyCounts) {
    this.maxAbsDiff = Math.max(this.maxAbsDiff, other.maxAbsDiff);
    for (const field of COUNT_FIELDS) this[field] += other[field];
    for (let k = 0; k < this.buckets.length; k++) this.buckets[k]! += other.buckets[k]!;
  }
}

/** Fields that add up; maxAbsDiff merges by maximum. */
const COUNT_FIELDS = [
  'requests',
  'ok',
  'clientErrors',
  'serverErrors',
  'timeouts',
  'shed',
  'coldStarts',
  'latencyMsSum',
  'queueMsSum',
  'inferenceMsSum',
  'batchSizeSum',
  'compared',
  'classified',
  'agreed',
] as const;

interface SeriesState {
  series: PredictionSeries;
  /** Since the process started: what Prometheus scrapes (counters never go down). */
  lifetime: LatencyCounts;
  /** Per minute (epoch ms of its start), not yet flushed to PostgreSQL. */
  pending: Map<number, LatencyCounts>;
  /** The pending minute most requests land in, to skip the map lookup. */
  current?: { minute: number; counts: LatencyCounts };
}

/**
 * Every prediction this API process answers, counted in memory: a handful of additions and one
 * O(1) bucket index per request, no allocation once a series exists, nothing awaited. The rollup
 * writer drains the per-minute counts into PostgreSQL every few seconds; /metrics reads the
 * lifetime counts.
 */
export class LatencyRecorder {
  private readonly states = new Map<string, SeriesState>();
  /** Routing hands out the same series object for a whole revision: look it up without building a key. */
  private readonly statesBySeries = new WeakMap<PredictionSeries, SeriesState>();

  constructor(
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  record(series: PredictionSeries, sample: PredictionSample) {
    if (!this.enabled) return;
    const state = this.stateOf(series);
    state.lifetime.add(sample);
    const now = this.now();
    const minute = now - (now % 60_000);
    let current = state.current;
    if (current?.minute !== minute) {
      let counts = state.pending.get(minute);
      if (!counts) {
        counts = new LatencyCounts();
        state.pending.set(minute, counts);
      }
      current = state.current = { minute, counts };
    }
    current.counts.add(sample);
  }

  /** Takes the per-minute counts recorded so far; `restore` puts them back if writing them failed. */
  drain(): LatencyRollupDelta[] {
    const deltas: LatencyRollupDelta[] = [];
    for (const state of this.states.values()) {
      for (const [minute, counts] of state.pending) deltas.push(toDelta(state.series, minute, counts));
      state.pending.clear();
      state.current = undefined;
    }
    return deltas;
  }

  /** Adds back counts a failed flush could not write, so the next flush carries them. */
  restore(deltas: LatencyRollupDelta[]) {
    for (const delta of deltas) {
      const state = this.states.get(seriesKey(delta));
      if (!state) continue;
      const minute = delta.minute.getTime();
      const counts = state.pending.get(minute) ?? new LatencyCounts();
      counts.merge(fromDelta(delta));
      state.pending.set(minute, counts);
      if (state.current?.minute === minute) state.current.counts = counts;
    }
  }

  /** Lifetime counts per series, for the Prometheus exposition. */
  lifetime(): Array<{ series: PredictionSeries; counts: LatencyCounts }> {
    return [...this.states.values()].map((state) => ({ series: state.series, counts: state.lifetime }));
  }

  private stateOf(series: PredictionSeries): SeriesState {
    const known = this.statesBySeries.get(series);
    if (known) return known;
    const key = seriesKey(series);
    let state = this.states.get(key);
    if (!state) {
      state = { series, lifetime: new LatencyCounts(), pending: new Map() };
      this.states.set(key, state);
    }
    this.statesBySeries.set(series, state);
    return state;
  }
}

const seriesKey = (series: Pick<PredictionSeries, 'endpointId' | 'versionId' | 'placement' | 'traffic'>) =>
  `${series.endpointId}|${series.versionId}|${series.placement}|${series.traffic}`;

function toDelta(series: PredictionSeries, minute: number, counts: LatencyCounts): LatencyRollupDelta {
  return {
    endpointId: series.endpointId,
    versionId: series.versionId,
    placement: series.placement,
    traffic: series.traffic,
    minute: new Date(minute),
    ...Object.fromEntries(COUNT_FIELDS.map((field) => [field, counts[field]])),
    maxAbsDiff: Number.isFinite(counts.maxAbsDiff) ? counts.maxAbsDiff : null,
    buckets: Array.from(counts.buckets),
  } as LatencyRollupDelta;
}

function fromDelta(delta: LatencyRollupDelta): LatencyCounts {
  const counts = new LatencyCounts();
  for (const field of COUNT_FIELDS) counts[field] = delta[field];
  counts.maxAbsDiff = delta.maxAbsDiff ?? Number.NEGATIVE_INFINITY;
  counts.buckets.set(delta.buckets);
  return counts;
}
