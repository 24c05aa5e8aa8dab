import { Inject, Injectable } from '@nestjs/common';
import {
  LATENCY_RELATIVE_ERROR,
  latencyQuantile,
  METRICS_MAX_POINTS,
  METRICS_MAX_RANGE_DAYS,
  type EndpointMetrics,
  type MetricsOverview,
  type MetricsPoint,
  type MetricsQuery,
  type MetricsSeries,
  type TrafficKind,
} from '@modelgate/contracts';
import { LATENCY_ROLLUP_SUMS, type Db } from '@modelgate/db';
import { ProblemException } from '../common/problem.exception.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import type { StoredRoute, StoredShadow } from '../endpoints/endpoint-view.js';
import { DB } from '../infrastructure/database.module.js';

/** Steps the API picks when the caller names none: the first giving at most 300 points. */
const AUTO_STEPS = [60, 300, 900, 3600, 6 * 3600, 86_400];
const AUTO_MAX_POINTS = 300;
const DEFAULT_RANGE_MS = 3600_000;

interface Window {
  from: Date;
  to: Date;
  step: number;
  /** Start of the first step: `from` rounded down to a multiple of the step (UTC epoch). */
  firstStep: number;
}

/** One grouped row from PostgreSQL: the sums of a series (or an endpoint) over one step. */
interface StepRow {
  group_id: string;
  traffic: TrafficKind;
  placement: string;
  t: Date;
  requests: number;
  ok: number;
  client_errors: number;
  server_errors: number;
  timeouts: number;
  shed: number;
  cold_starts: number;
  latency_ms_sum: number;
  queue_ms_sum: number;
  inference_ms_sum: number;
  batch_size_sum: number;
  compared: number;
  classified: number;
  agreed: number;
  max_abs_diff: number | null;
  buckets: number[] | null;
}

const SUMMED = LATENCY_ROLLUP_SUMS;

/**
 * Reads the latency rollups back as series: sums per step in PostgreSQL (histograms added bucket
 * by bucket, which is what makes rows from many API processes one series), percentiles here.
 */
@Injectable()
export class MetricsQueryService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async endpointMetrics(name: string, query: MetricsQuery): Promise<EndpointMetrics> {
    const endpoint = await this.db.endpoint.findUnique({ where: { name }, include: { activeRevision: true } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    const window = this.windowOf(query);
    const rows = await this.stepRows(window, 'version', endpoint.id);

    // Versions deployed now appear even before their first request, so a new canary shows as a line at zero.
    const weights = new Map<string, number>();
    for (const route of (endpoint.activeRevision?.routes ?? []) as unknown as StoredRoute[]) weights.set(`${route.versionId}|live`, route.weight);
    for (const shadow of (endpoint.activeRevision?.shadows ?? []) as unknown as StoredShadow[]) weights.set(`${shadow.versionId}|shadow`, shadow.percent);
    const grouped = groupRows(rows);
    for (const key of weights.keys()) if (!grouped.has(key)) grouped.set(key, []);

    const versionIds = [...new Set([...grouped.keys()].map((key) => key.split('|')[0]!))];
    const versions = await this.db.modelVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, version: true, model: { select: { name: true } } } });
    const labels = new Map(versions.map((version) => [version.id, { model: version.model.name, version: version.version }]));
    const placement = (endpoint.config as { placement?: string }).placement ?? 'worker';

    const series: MetricsSeries[] = [...grouped.entries()].map(([key, stepRows]) => {
      const [versionId, traffic] = key.split('|') as [string, TrafficKind];
      const label = labels.get(versionId) ?? { model: '(deleted)', version: 0 };
      return {
        versionId,
        ...label,
        traffic,
        placement: [...new Set(stepRows.map((row) => row.placement))].join(', ') || placement,
        currentWeight: weights.get(key) ?? null,
        ...pointsOf(stepRows, window),
      };
    });
    series.sort((a, b) => Number(a.traffic === 'shadow') - Number(b.traffic === 'shadow') || (b.currentWeight ?? -1) - (a.currentWeight ?? -1) || b.version - a.version);
    return { endpoint: endpoint.name, ...windowView(window), relativeError: LATENCY_RELATIVE_ERROR, series };
  }

  /** Live traffic of every endpoint, all versions together. */
  async overview(query: MetricsQuery): Promise<MetricsOverview> {
    const window = this.windowOf(query);
    const [endpoints, rows] = await Promise.all([this.db.endpoint.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }), this.stepRows(window, 'endpoint')]);
    const grouped = groupRows(rows);
    return {
      ...windowView(window),
      endpoints: endpoints.map((endpoint) => ({ endpoint: endpoint.name, ...pointsOf(grouped.get(`${endpoint.id}|live`) ?? [], window) })),
    };
  }

  private windowOf(query: MetricsQuery): Window {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
    const rangeMs = to.getTime() - from.getTime();
    if (rangeMs <= 0) throw ProblemException.badInput(`query.from (${from.toISOString()}) must be before query.to (${to.toISOString()})`);
    if (rangeMs > METRICS_MAX_RANGE_DAYS * 86_400_000) throw ProblemException.badInput(`the range from ${from.toISOString()} to ${to.toISOString()} is longer than ${METRICS_MAX_RANGE_DAYS} days: query a shorter one`);
    const step = query.step ?? AUTO_STEPS.find((candidate) => rangeMs / 1000 / candidate <= AUTO_MAX_POINTS) ?? AUTO_STEPS.at(-1)!;
    const points = Math.ceil(rangeMs / 1000 / step);
    if (points > METRICS_MAX_POINTS) {
      throw ProblemException.badInput(`query.step ${step} s over this range gives ${points} points per series (at most ${METRICS_MAX_POINTS}): use a step of at least ${Math.ceil(rangeMs / 1000 / METRICS_MAX_POINTS / 60) * 60} s`);
    }
    const minuteHorizon = Date.now() - this.config.MODELGATE_METRICS_MINUTE_RETENTION_HOURS * 3600_000;
    if (step % 3600 !== 0 && from.getTime() < minuteHorizon) {
      throw ProblemException.badInput(
        `query.step ${step} s reaches back to ${from.toISOString()}, but per-minute rollups are kept for ${this.config.MODELGATE_METRICS_MINUTE_RETENTION_HOURS} h (MODELGATE_METRICS_MINUTE_RETENTION_HOURS) and older ones are hourly: use a step that is a multiple of 3600 s, or a later query.from`,
      );
    }
    const stepMs = step * 1000;
    return { from, to, step, firstStep: Math.floor(from.getTime() / stepMs) * stepMs };
  }

  /** Sums per step, grouped by version and traffic kind or by endpoint (live traffic only). */
  private stepRows(window: Window, by: 'version' | 'endpoint', endpointId?: string): Promise<StepRow[]> {
    const group = by === 'version' ? 'version_id' : 'endpoint_id';
    const keys = `${group}, traffic, t`;
    return this.db.$queryRawUnsafe<StepRow[]>(
      `WITH rows AS (
         SELECT *, to_timestamp(floor(extract(epoch FROM bucket_start) / $3::int) * $3::int) AS t
         FROM latency_rollups
         WHERE bucket_start >= $1::timestamptz AND bucket_start < $2::timestamptz
           AND ($4::uuid IS NULL OR endpoint_id = $4::uuid)
           AND ($5::boolean OR traffic = 'live')
           -- Hourly rows only cover what minute rows no longer do; a sub-hour step reads minutes only.
           AND (resolution = 'minute' OR $3::int % 3600 = 0)
       ),
       sums AS (
         SELECT ${keys}, string_agg(DISTINCT placement, ', ') AS placement, ${SUMMED.map((column) => `sum(${column})::float8 AS ${column}`).join(', ')}, max(max_abs_diff) AS max_abs_diff
         FROM rows GROUP BY ${keys}
       ),
       histograms AS (
         SELECT ${keys}, array_agg(total ORDER BY position)::float8[] AS buckets
         FROM (
           SELECT ${keys}, position, sum(count) AS total
           FROM rows, unnest(buckets) WITH ORDINALITY AS bucket(count, position)
           GROUP BY ${keys}, position
         ) per_bucket
         GROUP BY ${keys}
       )
       SELECT sums.${group}::text AS group_id, sums.traffic::text AS traffic, sums.placement, sums.t, ${SUMMED.map((column) => `sums.${column}`).join(', ')}, sums.max_abs_diff, histograms.buckets
       FROM sums LEFT JOIN histograms USING (${keys})
       ORDER BY sums.t`,
      new Date(window.firstStep).toISOString(),
      window.to.toISOString(),
      window.step,
      endpointId ?? null,
      by === 'version',
    );
  }
}

function groupRows(rows: StepRow[]): Map<string, StepRow[]> {
  const grouped = new Map<string, StepRow[]>();
  for (const row of rows) {
    const key = `${row.group_id}|${row.traffic}`;
    grouped.set(key, [...(grouped.get(key) ?? []), row]);
  }
  return grouped;
}

function windowView(window: Window) {
  return { from: window.from.toISOString(), to: window.to.toISOString(), step: window.step };
}

/** One point per step of the window (zeros where nothing ran), and the window as one point. */
function pointsOf(rows: StepRow[], window: Window): { points: MetricsPoint[]; total: MetricsPoint } {
  const stepMs = window.step * 1000;
  const byStep = new Map(rows.map((row) => [row.t.getTime(), row]));
  const points: MetricsPoint[] = [];
  const total = emptyRow(new Date(window.firstStep));
  for (let t = window.firstStep; t < window.to.getTime(); t += stepMs) {
    const row = byStep.get(t) ?? emptyRow(new Date(t));
    addInto(total, row);
    // The last step may be cut short by `to`: its rate is over the seconds it covers.
    const seconds = Math.max(1, (Math.min(t + stepMs, window.to.getTime()) - t) / 1000);
    points.push(pointOf(row, seconds));
  }
  const seconds = Math.max(1, (window.to.getTime() - window.firstStep) / 1000);
  return { points, total: pointOf(total, seconds) };
}

function emptyRow(t: Date): StepRow {
  return { group_id: '', traffic: 'live', placement: '', t, ...Object.fromEntries(SUMMED.map((column) => [column, 0])), max_abs_diff: null, buckets: null } as StepRow;
}

function addInto(into: StepRow, row: StepRow) {
  for (const column of SUMMED) into[column] += row[column];
  if (row.max_abs_diff !== null) into.max_abs_diff = Math.max(into.max_abs_diff ?? 0, row.max_abs_diff);
  if (row.buckets) {
    into.buckets ??= [];
    row.buckets.forEach((count, k) => (into.buckets![k] = (into.buckets![k] ?? 0) + count));
  }
}

function pointOf(row: StepRow, seconds: number): MetricsPoint {
  const errors = row.server_errors + row.timeouts + row.shed;
  const buckets = row.buckets ?? [];
  const mean = (sum: number) => (row.ok > 0 ? sum / row.ok : null);
  return {
    t: row.t.toISOString(),
    requests: row.requests,
    rps: row.requests / seconds,
    errors,
    errorRate: row.requests > 0 ? errors / row.requests : null,
    clientErrors: row.client_errors,
    timeouts: row.timeouts,
    shed: row.shed,
    p50: latencyQuantile(buckets, 0.5),
    p95: latencyQuantile(buckets, 0.95),
    p99: latencyQuantile(buckets, 0.99),
    meanLatencyMs: mean(row.latency_ms_sum),
    meanQueueMs: mean(row.queue_ms_sum),
    meanInferenceMs: mean(row.inference_ms_sum),
    meanBatchSize: mean(row.batch_size_sum),
    coldStarts: row.cold_starts,
    compared: row.compared,
    agreement: row.classified > 0 ? row.agreed / row.classified : null,
    maxAbsDiff: row.max_abs_diff,
  };
}
