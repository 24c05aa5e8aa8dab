// Turns a results file into docs/benchmarks.md: the targets from issue 5 with met / missed, then
// one table per model and the cold starts. The harness calls it after every run; run it alone to
// regenerate the page from the latest (or a named) results file:
//
//   node bench/report.mjs [bench/results/<file>.json]
//
// The "Notes" section of the page is written by people (why a target is missed) and is carried
// over unchanged when the page is regenerated.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
export const resultsDirectory = path.join(benchDirectory, 'results');
export const reportPath = path.join(benchDirectory, '..', 'docs', 'benchmarks.md');

const NOTES_START = '<!-- notes:start -->';
const NOTES_END = '<!-- notes:end -->';
const DEFAULT_NOTES = '<!-- Why a target is missed, and whatever else a reader of these figures needs. The harness keeps this section as it is. -->';

/** Every system a cell can measure, in the order tables list them. */
export const SYSTEMS = [
  { id: 'session', label: '(a) session.run in-process', description: 'raw `OnnxModel.run` in the harness process, the same concurrency as a closed loop: the limit' },
  { id: 'baseline', label: '(b) Fastify + onnxruntime-node', description: 'bench/baseline-server.mjs: a hand-written server, JSON in and out, one session' },
  { id: 'gateway', label: '(c) Modelgate gateway', description: '`POST /v1/endpoints/{e}/predict` JSON, endpoint placement `gateway` (the model runs in the API process)' },
  { id: 'worker', label: '(d) Modelgate worker', description: '`POST /v1/endpoints/{e}/predict` JSON, endpoint placement `worker` (the API hands the request to the worker over Redis)' },
  { id: 'gateway-binary', label: '(c) gateway, octet-stream', description: '`/v1/…/predict` with a raw little-endian float32 body (`Content-Type: application/octet-stream`)' },
  { id: 'worker-binary', label: '(d) worker, octet-stream', description: 'as above on the worker placement' },
  { id: 'gateway-oip-binary', label: '(c) gateway, /v2 binary', description: '`POST /v2/models/{e}/infer` with the binary tensor data extension, binary output asked for' },
  { id: 'worker-oip-binary', label: '(d) worker, /v2 binary', description: 'as above on the worker placement' },
];

const REQUEST_KINDS = { json: 'JSON', binary: 'octet-stream', openInferenceBinary: '/v2 binary' };

const systemLabel = (id) => SYSTEMS.find((system) => system.id === id)?.label ?? id;

/** The concurrency at which ShuffleNet's JSON and binary targets are judged: loaded, not swamped. */
const SHUFFLENET_TARGET_CONCURRENCY = 16;

function findCell(results, model, system, concurrency) {
  return results.cells.find((cell) => cell.model === model && cell.system === system && cell.concurrency === concurrency);
}

function unavailableBecause(results, model, system, concurrency) {
  const cell = findCell(results, model, system, concurrency);
  if (!cell) return `${model} was not measured at c=${concurrency} with ${systemLabel(system)} in this run`;
  if (cell.status !== 'measured') return cell.reason;
  if (!cell.latencyMs) return `${systemLabel(system)} completed no request within the ${results.settings.durationSec} s window at c=${concurrency}: measure longer (--duration)`;
  return undefined;
}

/** A target on cell / baseline at one concurrency: throughput ≥ k × (b), or mean latency ≤ k × (b). */
function ratioTarget({ id, model, system, concurrency, metric, bound }) {
  const isThroughput = metric === 'throughput';
  return {
    id,
    description: `${systemLabel(system)} ${isThroughput ? 'throughput' : 'mean latency'} at c=${concurrency}, ${model}`,
    target: `${isThroughput ? '≥' : '≤'} ${bound} × (b)`,
    evaluate(results) {
      const reason = unavailableBecause(results, model, system, concurrency) ?? unavailableBecause(results, model, 'baseline', concurrency);
      if (reason) return { status: 'unavailable', measured: '—', detail: reason };
      const cell = findCell(results, model, system, concurrency);
      const baseline = findCell(results, model, 'baseline', concurrency);
      const ratio = isThroughput ? cell.throughput / baseline.throughput : cell.latencyMs.mean / baseline.latencyMs.mean;
      const figures = isThroughput
        ? `${formatRate(cell.throughput)} vs ${formatRate(baseline.throughput)} req/s`
        : `${formatMs(cell.latencyMs.mean)} vs ${formatMs(baseline.latencyMs.mean)} ms`;
      const met = isThroughput ? ratio >= bound : ratio <= bound;
      return { status: met ? 'met' : 'missed', measured: `${ratio.toFixed(2)} × (b) (${figures})`, value: ratio };
    },
  };
}

/** The targets of issue 5, in its order. */
export const TARGETS = [
  ratioTarget({ id: 'tiny-gateway-latency-c1', model: 'tiny-gemm', system: 'gateway', concurrency: 1, metric: 'latency', bound: 1.2 }),
  ratioTarget({ id: 'tiny-gateway-throughput-c64', model: 'tiny-gemm', system: 'gateway', concurrency: 64, metric: 'throughput', bound: 1.0 }),
  ratioTarget({ id: 'ocr-gateway-throughput-c16', model: 'ocr-text-direction', system: 'gateway', concurrency: 16, metric: 'throughput', bound: 1.5 }),
  ...['gateway', 'worker'].map((system) =>
    ratioTarget({ id: `shufflenet-${system}-json-throughput`, model: 'shufflenet-v2-int8', system, concurrency: SHUFFLENET_TARGET_CONCURRENCY, metric: 'throughput', bound: 1.0 }),
  ),
  ...['gateway-binary', 'worker-binary', 'gateway-oip-binary', 'worker-oip-binary'].map((system) =>
    ratioTarget({ id: `shufflenet-${system}-throughput`, model: 'shufflenet-v2-int8', system, concurrency: SHUFFLENET_TARGET_CONCURRENCY, metric: 'throughput', bound: 3 }),
  ),
  {
    id: 'tiny-worker-latency-c1',
    description: `${systemLabel('worker')} mean latency at c=1, tiny-gemm`,
    target: '≤ (a) + 3 ms',
    evaluate(results) {
      const reason = unavailableBecause(results, 'tiny-gemm', 'worker', 1) ?? unavailableBecause(results, 'tiny-gemm', 'session', 1);
      if (reason) return { status: 'unavailable', measured: '—', detail: reason };
      const worker = findCell(results, 'tiny-gemm', 'worker', 1).latencyMs.mean;
      const session = findCell(results, 'tiny-gemm', 'session', 1).latencyMs.mean;
      return {
        status: worker <= session + 3 ? 'met' : 'missed',
        measured: `${formatMs(worker)} ms = (a) + ${formatMs(worker - session)} ms`,
        value: worker - session,
      };
    },
  },
  {
    id: 'tiny-worker-throughput-c64',
    description: `${systemLabel('worker')} throughput at c=64, tiny-gemm`,
    target: '≥ 3,000 req/s',
    evaluate(results) {
      const reason = unavailableBecause(results, 'tiny-gemm', 'worker', 64);
      if (reason) return { status: 'unavailable', measured: '—', detail: reason };
      const throughput = findCell(results, 'tiny-gemm', 'worker', 64).throughput;
      return { status: throughput >= 3000 ? 'met' : 'missed', measured: `${formatRate(throughput)} req/s`, value: throughput };
    },
  },
];

/** Cold-start targets: one per model and placement measured. */
function coldStartTargets(results) {
  return (results.coldStarts ?? []).map((cold) => ({
    id: `cold-start-${cold.model}-${cold.placement}`,
    description: `cold start (first request after an idle unload), ${cold.model}, ${cold.placement} placement`,
    target: cold.rawLoadMs === undefined ? '≤ model load + 50 ms' : `≤ model load + 50 ms = ${formatMs(cold.rawLoadMs + 50)} ms`,
    evaluate() {
      if (cold.status !== 'measured') return { status: 'unavailable', measured: '—', detail: cold.reason };
      const limit = cold.rawLoadMs + 50;
      return {
        status: cold.firstRequestMs <= limit ? 'met' : 'missed',
        measured: `${formatMs(cold.firstRequestMs)} ms (load ${formatMs(cold.rawLoadMs)} ms; ${formatMs(cold.overLoadedMs)} ms more than the same request to a loaded endpoint)`,
        value: cold.firstRequestMs,
      };
    },
  }));
}

/** Every target judged against one results file. */
export function evaluateTargets(results) {
  return [...TARGETS, ...coldStartTargets(results)].map((target) => ({
    id: target.id,
    description: target.description,
    target: target.target,
    ...target.evaluate(results),
  }));
}

function formatMs(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (Math.abs(value) < 10) return value.toFixed(2);
  if (Math.abs(value) < 100) return value.toFixed(1);
  return value.toFixed(0);
}

function formatRate(value) {
  return Math.round(value).toLocaleString('en-US');
}

function formatRatio(value) {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`;
}

function escapeCell(text) {
  return String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function modelTable(results, model) {
  const lines = [
    '| c | system | mean ms | p50 ms | p99 ms | req/s | answers | non-2xx | mean ÷ (b) | p50 ÷ (b) | p99 ÷ (b) | req/s ÷ (b) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const reasons = [];
  for (const concurrency of results.settings.concurrency) {
    for (const system of SYSTEMS) {
      const cell = findCell(results, model.name, system.id, concurrency);
      if (!cell) continue;
      if (cell.status !== 'measured') {
        let index = reasons.indexOf(cell.reason);
        if (index === -1) index = reasons.push(cell.reason) - 1;
        lines.push(`| ${concurrency} | ${system.label} | unavailable [${index + 1}] | | | | | | | | | |`);
        continue;
      }
      const ratio = cell.ratioToBaseline ?? {};
      const non2xx = cell.non2xx + (cell.errors ?? 0);
      if (!cell.latencyMs) {
        lines.push(`| ${concurrency} | ${system.label} | no 2xx answer within the window | | | 0 | 0 | ${non2xx} | | | | |`);
        continue;
      }
      lines.push(
        `| ${concurrency} | ${system.label} | ${formatMs(cell.latencyMs.mean)} | ${formatMs(cell.latencyMs.p50)} | ${formatMs(cell.latencyMs.p99)} | ${formatRate(cell.throughput)} | ${cell.requests.toLocaleString('en-US')} | ${non2xx} | ${
          system.id === 'baseline' ? '1' : formatRatio(ratio.mean)
        } | ${system.id === 'baseline' ? '1' : formatRatio(ratio.p50)} | ${system.id === 'baseline' ? '1' : formatRatio(ratio.p99)} | ${
          system.id === 'baseline' ? '1' : formatRatio(ratio.throughput)
        } |`,
      );
    }
  }
  if (reasons.length) {
    lines.push('');
    reasons.forEach((reason, index) => lines.push(`[${index + 1}] ${escapeCell(reason)}`, ''));
  }
  return lines.join('\n');
}

function coldStartTable(results) {
  const rows = results.coldStarts ?? [];
  if (rows.length === 0) return 'Not measured in this run.';
  const lines = [
    '| model | placement | first request after idle unload, ms (median) | same request to an idle, loaded endpoint, ms | difference, ms | raw model load, ms | samples, ms | status |',
    '|---|---|---:|---:|---:|---:|---|---|',
  ];
  for (const cold of rows) {
    const measured = cold.status === 'measured';
    lines.push(
      `| ${cold.model} | ${cold.placement} | ${measured ? formatMs(cold.firstRequestMs) : '—'} | ${formatMs(cold.loadedRequestMs)} | ${measured ? formatMs(cold.overLoadedMs) : '—'} | ${formatMs(cold.rawLoadMs)} | ${(cold.samplesMs ?? []).map(formatMs).join(', ')} | ${
        measured ? `measured (${escapeCell(cold.detectedBy)})` : `unavailable: ${escapeCell(cold.reason)}`
      } |`,
    );
  }
  return lines.join('\n');
}

function targetsTable(targets) {
  const lines = ['| target | measured | wanted | result |', '|---|---|---|---|'];
  for (const target of targets) {
    const result = target.status === 'unavailable' ? `unavailable: ${escapeCell(target.detail)}` : target.status === 'met' ? 'met' : '**missed** (see Notes)';
    lines.push(`| ${escapeCell(target.description)} | ${escapeCell(target.measured)} | ${escapeCell(target.target)} | ${result} |`);
  }
  return lines.join('\n');
}

function keptNotes(existing) {
  const start = existing.indexOf(NOTES_START);
  const end = existing.indexOf(NOTES_END);
  if (start === -1 || end === -1 || end < start) return DEFAULT_NOTES;
  return existing.slice(start + NOTES_START.length, end).trim() || DEFAULT_NOTES;
}

/** The whole page. `notes` is the hand-written Notes section to carry over. */
export function renderReport(results, { resultsFile, notes = DEFAULT_NOTES } = {}) {
  // Judged again from the cells rather than read from the file, so the page follows the current targets.
  const targets = evaluateTargets(results);
  const { machine, settings } = results;
  const missed = targets.filter((target) => target.status === 'missed');
  const unavailable = targets.filter((target) => target.status === 'unavailable');
  const summary = [
    `${targets.filter((target) => target.status === 'met').length} of ${targets.length} targets met`,
    missed.length ? `${missed.length} missed` : undefined,
    unavailable.length ? `${unavailable.length} could not be measured yet` : undefined,
  ]
    .filter(Boolean)
    .join(', ');

  const otherLoad = results.otherLoad ?? {};
  const busiest = Math.max(otherLoad.busyShareBefore ?? 0, otherLoad.busyShareAfter ?? 0);
  const percent = (share) => (share === undefined ? '—' : `${Math.round(share * 100)} %`);
  const otherLoadLine = `${percent(otherLoad.busyShareBefore)} of the CPU busy in the 2 s before the run, ${percent(otherLoad.busyShareAfter)} in the 2 s after it, with none of the benchmark running (1-minute load average ${otherLoad.loadAverageBefore?.[0]?.toFixed(2) ?? '—'} before, ${otherLoad.loadAverageAfter?.[0]?.toFixed(2) ?? '—'} after)`;
  const busyWarning =
    busiest > 0.1
      ? `\n\n**Other work was using the CPU around this run (${percent(busiest)} busy with the benchmark idle), so these figures are lower and noisier than on an idle machine: rerun on a quiet machine before drawing conclusions.**`
      : '';

  return `# Benchmarks

Generated by \`npm run bench\` (bench/run.mjs) from \`${resultsFile ?? 'the latest results file'}\`, run on ${results.startedAt} (the run took ${Math.round(results.wallClockSec)} s). Everything above **Notes** is rewritten by each run; the Notes section is kept. See bench/README.md for what is measured and how.

**${summary}.**${missed.length ? ' Why a target is missed belongs in the Notes.' : ''}${busyWarning}

## Machine and settings

| | |
|---|---|
| CPU | ${escapeCell(machine.cpuModel)}, ${machine.cores} cores, ${machine.memoryGiB} GiB |
| OS | ${machine.platform} ${machine.kernel} |
| Node | ${machine.node} |
| onnxruntime-node | ${machine.onnxruntime} |
| load generator | autocannon ${machine.autocannon}, its own process, closed loop (each connection sends its next request when the previous answer arrives) |
| baseline | fastify ${machine.fastify} |
| other work on the machine | ${otherLoadLine} |
| code measured | ${results.git.commit}${results.git.dirty ? ' plus uncommitted changes' : ''} |
| per cell | a warm-up of ${settings.warmupSec} s (longer when needed, until every connection has had an answer), then ${settings.durationSec} s measured, at concurrency ${settings.concurrency.join(', ')} |
| onnxruntime threads | intra-op ${settings.ortIntraOpThreads}, inter-op ${settings.ortInterOpThreads}, sequential execution: the same in the harness (a), the baseline (b), the API and the worker |
| Modelgate endpoints | batching maxBatchSize ${settings.maxBatchSize}, maxDelayMs ${settings.maxDelayMs}; maxQueueDepth ${settings.maxQueueDepth.toLocaleString('en-US')}; timeoutMs ${settings.timeoutMs.toLocaleString('en-US')}; an API key whose rate limit (${settings.rateLimit.perSecond.toLocaleString('en-US')}/s) never binds; other settings at their defaults |

Everything, the load generator included, shares the machine's ${machine.cores} cores: on a small machine the load generator's own CPU use lowers every HTTP system's figures alike, and (a) has none of it.

## Targets

From issue 5. ShuffleNet's targets are judged at c=${SHUFFLENET_TARGET_CONCURRENCY}; "(b)" is the hand-written baseline at the same concurrency.

${targetsTable(targets)}

## Systems

${SYSTEMS.map((system) => `- **${system.label}**: ${system.description}`).join('\n')}

Latencies are per request as the load generator saw them (2xx answers only); req/s counts 2xx answers over the measured window and "answers" is how many there were (few answers make p99 rough); non-2xx includes connection errors and time-outs. Ratios divide by (b) at the same concurrency: below 1 is faster for latency, above 1 is better for req/s.

${results.models
  .map(
    (model) => `## ${model.name}

${model.description}. Request bodies: ${Object.entries(model.requestBytes)
      .map(([kind, bytes]) => `${REQUEST_KINDS[kind] ?? kind} ${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: bytes < 10_240 ? 2 : 0 })} KiB`)
      .join(', ')}.

${modelTable(results, model)}`,
  )
  .join('\n\n')}

## Cold start

An endpoint with \`scaling: {minReplicas: 0, idleTimeoutSec: 1}\`, serving a version of its own, is sent the model's JSON request, left idle ${settings.idleWaitSec} s, then sent it again; the time of that request is the cold start, and the target is judged on it. The same request to the model's regular endpoint (loaded, equally idle) is shown beside it, with the difference (medians of the per-sample differences), and so is \`OnnxModel.load\` of the same bytes in the harness process (median of ${settings.loadSamples}). For ShuffleNet the request itself (2.8 MB of JSON) takes much of the time.

${coldStartTable(results)}

## Notes

${NOTES_START}
${notes}
${NOTES_END}
`;
}

/** The newest results file (names are ISO timestamps, so they sort by time). */
export function latestResultsFile() {
  if (!existsSync(resultsDirectory)) return undefined;
  const files = readdirSync(resultsDirectory).filter((name) => name.endsWith('.json')).sort();
  return files.length ? path.join(resultsDirectory, files[files.length - 1]) : undefined;
}

/** Rewrites docs/benchmarks.md from a results file, keeping its Notes section. */
export function writeReport(resultsFile = latestResultsFile()) {
  if (!resultsFile) throw new Error(`no results in ${resultsDirectory}: run \`npm run bench\` first`);
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const notes = existsSync(reportPath) ? keptNotes(readFileSync(reportPath, 'utf8')) : DEFAULT_NOTES;
  const relative = path.relative(path.dirname(benchDirectory), resultsFile);
  mkdirSync(path.dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, renderReport(results, { resultsFile: relative, notes }));
  return reportPath;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = writeReport(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`wrote ${path.relative(process.cwd(), written)}`);
}
