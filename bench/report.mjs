// Turns a results file into docs/benchmarks.md: the targets from issues 5, 6 and 8 with met / missed,
// then one table per model, the cold starts, the recording cost and the batch files. The harness calls it after every run; run it alone to
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

function median(values) {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The recording target: the throughput recording costs must stay within this share (issue 6). */
const RECORDING_COST_BOUND = 0.02;

/**
 * The recording-cost figures from a results file's rounds: per concurrency, each configuration's
 * round throughputs with their median and spread, the ratio of the medians (off ÷ on), the cost
 * 1 − on ÷ off, and each round's own cost (on ÷ off of the same round); the judged concurrency (the
 * highest measured); and the isolated record() figures with the share of throughput they imply at
 * the judged concurrency's recording-on median.
 */
export function summarizeRecording(results) {
  const recording = results.recording;
  if (!recording) return undefined;
  const { endToEnd, recordCall } = recording;
  const byConcurrency = [];
  if (endToEnd?.status === 'measured') {
    for (const concurrency of [...new Set(endToEnd.rounds.map((round) => round.concurrency))]) {
      const cellsOf = (id) => endToEnd.rounds.filter((round) => round.concurrency === concurrency && round.recording === id).sort((left, right) => left.round - right.round);
      const spreadOf = (values) => {
        const middle = median(values);
        return { values, median: middle, min: Math.min(...values), max: Math.max(...values), relativeSpread: (Math.max(...values) - Math.min(...values)) / middle };
      };
      const statsOf = (cells) => {
        const throughput = spreadOf(cells.map((cell) => cell.throughput));
        const withCpu = cells.every((cell) => cell.serverCpu?.allThreadsMicrosPerAnswer > 0);
        return {
          throughputs: throughput.values,
          median: throughput.median,
          min: throughput.min,
          max: throughput.max,
          relativeSpread: throughput.relativeSpread,
          meanLatencyMs: median(cells.map((cell) => cell.latencyMs?.mean ?? Number.NaN)),
          failures: cells.reduce((sum, cell) => sum + cell.non2xx + (cell.errors ?? 0), 0),
          // The loaded API process's CPU time per answer over the window: all its threads, and its main (JavaScript) thread.
          cpu: withCpu
            ? {
                allThreads: spreadOf(cells.map((cell) => cell.serverCpu.allThreadsMicrosPerAnswer)),
                mainThread: spreadOf(cells.map((cell) => cell.serverCpu.mainThreadMicrosPerAnswer)),
              }
            : undefined,
        };
      };
      const onCells = cellsOf('on');
      const offCells = cellsOf('off');
      const on = statsOf(onCells);
      const off = statsOf(offCells);
      const partner = (cell) => offCells.find((other) => other.round === cell.round);
      // CPU per answer, as the throughput a CPU-bound process loses: 1 − off ÷ on.
      const cpuCost = (thread) =>
        on.cpu && off.cpu
          ? {
              cost: 1 - off.cpu[thread].median / on.cpu[thread].median,
              roundCosts: onCells.map((cell) => 1 - partner(cell).serverCpu[`${thread}MicrosPerAnswer`] / cell.serverCpu[`${thread}MicrosPerAnswer`]),
            }
          : undefined;
      byConcurrency.push({
        concurrency,
        on,
        off,
        ratioOffToOn: off.median / on.median,
        cost: 1 - on.median / off.median,
        roundCosts: onCells.map((cell) => 1 - cell.throughput / partner(cell).throughput),
        noise: Math.max(on.relativeSpread, off.relativeSpread),
        cpuCost: on.cpu && off.cpu ? { allThreads: cpuCost('allThreads'), mainThread: cpuCost('mainThread') } : undefined,
      });
    }
  }
  const judged = byConcurrency.reduce((best, row) => (best === undefined || row.concurrency > best.concurrency ? row : best), undefined);
  const isolated = recordCall && {
    nsPerCall: recordCall.recordOn.nsPerCall,
    offNsPerCall: recordCall.recordOff.nsPerCall,
    callSiteNsPerCall: recordCall.callSiteOn.nsPerCall,
    callSiteOffNsPerCall: recordCall.callSiteOff.nsPerCall,
    atThroughput: judged?.on.median,
    // record() runs on the API's one JavaScript thread: nanoseconds per request × requests per second
    // over 1e9 is the share of that thread's second it takes.
    impliedShare: judged ? (recordCall.recordOn.nsPerCall * judged.on.median) / 1e9 : undefined,
    flushMicros: recordCall.flush.medianMicros,
    flushShare: recordCall.flush.medianMicros / 1000 / (results.settings.recording?.flushMs ?? 5000),
  };
  return { byConcurrency, judgedConcurrency: judged?.concurrency, isolated };
}

function formatShare(share, digits = 1) {
  if (share === undefined || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(digits).replace(/^-/, '−')} %`;
}

/** A few lines for the harness's log. */
export function describeRecording(summary) {
  if (!summary) return [];
  const lines = summary.byConcurrency.map(
    (row) =>
      `c=${row.concurrency}: median ${formatRate(row.on.median)} req/s on, ${formatRate(row.off.median)} off: cost ${formatShare(row.cost)} (rounds ${row.roundCosts.map((cost) => formatShare(cost)).join(', ')}; spread on ${formatShare(row.on.relativeSpread)}, off ${formatShare(row.off.relativeSpread)})`,
  );
  for (const row of summary.byConcurrency) {
    if (row.cpuCost) lines.push(`c=${row.concurrency}: API CPU per answer ${row.on.cpu.allThreads.median.toFixed(1)} µs on, ${row.off.cpu.allThreads.median.toFixed(1)} µs off: ${formatShare(row.cpuCost.allThreads.cost)} (main thread ${formatShare(row.cpuCost.mainThread.cost)})`);
  }
  if (summary.isolated?.impliedShare !== undefined) {
    lines.push(`isolated: ${summary.isolated.nsPerCall.toFixed(0)} ns per record() × ${formatRate(summary.isolated.atThroughput)} req/s = ${formatShare(summary.isolated.impliedShare, 2)} of the API's thread`);
  }
  return lines;
}

const recordingTarget = {
  id: 'recording-cost',
  description: 'recording per-request latency (issue 6): throughput lost, (c) gateway, tiny-gemm, recording on vs off',
  target: `≤ ${RECORDING_COST_BOUND * 100} % of throughput`,
  evaluate(results) {
    const summary = summarizeRecording(results);
    if (!summary) return { status: 'unavailable', measured: '—', detail: 'the recording cost was not measured in this run' };
    if (results.recording.endToEnd?.status !== 'measured') return { status: 'unavailable', measured: '—', detail: results.recording.endToEnd?.reason ?? 'not measured' };
    const row = summary.byConcurrency.find((candidate) => candidate.concurrency === summary.judgedConcurrency);
    const isolated = summary.isolated?.impliedShare === undefined ? '' : `; isolated, ${formatMs(summary.isolated.nsPerCall)} ns per record() call = ${formatShare(summary.isolated.impliedShare, 2)} at ${formatRate(summary.isolated.atThroughput)} req/s`;
    const cpu = row.cpuCost ? `; by API CPU per answer ${formatShare(row.cpuCost.allThreads.cost)}` : '';
    const noisy = row.noise > RECORDING_COST_BOUND ? `; rounds of one configuration vary by up to ${formatShare(row.noise)}, more than the bound, so the isolated figure is the precise one` : '';
    return {
      status: row.cost <= RECORDING_COST_BOUND ? 'met' : 'missed',
      measured: `${formatShare(row.cost)} at c=${row.concurrency} (medians of ${row.on.throughputs.length} rounds: ${formatRate(row.on.median)} req/s on, ${formatRate(row.off.median)} off; per round ${row.roundCosts.map((cost) => formatShare(cost)).join(', ')})${cpu}${isolated}${noisy}`,
      value: row.cost,
    };
  },
};

/** Batch files (issue 8): the largest file end to end must reach this share of the limit's rows/s. */
const BATCH_THROUGHPUT_BOUND = 0.5;
/** Memory is flat when a process's peak RSS at the largest file is at most this multiple of its peak at the smallest. */
const BATCH_MEMORY_BOUND = 1.5;
const BATCH_PROCESSES = { api: 'API', worker: 'worker' };

function formatRows(rows) {
  return rows.toLocaleString('en-US');
}

function formatMiB(bytes) {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const mebibytes = bytes / 1024 ** 2;
  return `${mebibytes < 10 ? mebibytes.toFixed(1) : Math.round(mebibytes).toLocaleString('en-US')} MiB`;
}

/** The row counts a run measured (or would have, by its settings); the smallest and the largest are judged. */
function batchRowCounts(results) {
  const measured = results.batch?.sizes?.map((size) => size.rows);
  return measured?.length ? measured : (results.settings.batch?.rows ?? [100_000, 1_000_000]);
}

/** The batch-file targets: the largest file's rows/s against the limit, and flat memory in the API and the worker. */
function batchTargets(results) {
  const counts = batchRowCounts(results);
  const smallest = Math.min(...counts);
  const largest = Math.max(...counts);
  const sizeOf = (rows) => results.batch?.sizes?.find((size) => size.rows === rows);
  const notMeasured = (rows) => {
    const size = sizeOf(rows);
    if (!results.batch) return 'the batch files were not measured in this run';
    if (!size) return `${formatRows(rows)} rows were not measured in this run`;
    if (size.system.status !== 'measured') return `Modelgate ${size.system.status} at ${formatRows(rows)} rows: ${size.system.reason}`;
    return undefined;
  };
  const throughput = {
    id: 'batch-throughput',
    description: `batch file, ${results.settings.batch?.model ?? 'tiny-gemm'}, ${formatRows(largest)} rows of CSV end to end (upload → scored → results downloaded), rows/s against the limit (onnxruntime in-process reading the same CSV and writing the same results file)`,
    target: `≥ ${BATCH_THROUGHPUT_BOUND} × the limit`,
    evaluate() {
      // A job that ran and failed is a miss, not a gap in the measurements.
      if (sizeOf(largest)?.system.status === 'failed') return { status: 'missed', measured: `the job failed: ${sizeOf(largest).system.reason}` };
      const reason = notMeasured(largest);
      if (reason) return { status: 'unavailable', measured: '—', detail: reason };
      const { system, limit, check } = sizeOf(largest);
      const ratio = system.rowsPerSecond / limit.rowsPerSecond;
      const wrong = check?.status === 'passed' ? '' : `; the results are WRONG (${check?.mismatches ?? '?'} problems: ${(check?.problems ?? []).join('; ')})`;
      return {
        status: ratio >= BATCH_THROUGHPUT_BOUND && !wrong ? 'met' : 'missed',
        measured: `${ratio.toFixed(2)} × the limit (${formatRate(system.rowsPerSecond)} vs ${formatRate(limit.rowsPerSecond)} rows/s; ${system.seconds.toFixed(1)} s vs ${limit.seconds.toFixed(1)} s)${wrong}`,
        value: ratio,
      };
    },
  };
  const memory = Object.entries(BATCH_PROCESSES).map(([process, label]) => ({
    id: `batch-memory-${process}`,
    description: `batch file memory, ${label} process: peak RSS at ${formatRows(largest)} rows against ${formatRows(smallest)} rows (each a fresh process)`,
    target: `flat: ≤ ${BATCH_MEMORY_BOUND} × the ${formatRows(smallest)}-row peak`,
    evaluate() {
      if (smallest === largest) return { status: 'unavailable', measured: '—', detail: 'needs two row counts (--batch-rows)' };
      const reason = notMeasured(smallest) ?? notMeasured(largest);
      if (reason) return { status: 'unavailable', measured: '—', detail: reason };
      const small = sizeOf(smallest).system.peakRssBytes[process];
      const large = sizeOf(largest).system.peakRssBytes[process];
      const ratio = large / small;
      return {
        status: ratio <= BATCH_MEMORY_BOUND ? 'met' : 'missed',
        measured: `${ratio.toFixed(2)} × (${formatMiB(large)} at ${formatRows(largest)} rows, ${formatMiB(small)} at ${formatRows(smallest)})`,
        value: ratio,
      };
    },
  }));
  return [throughput, ...memory];
}

/** A few lines for the harness's log. */
export function describeBatch(results) {
  return batchTargets(results).map((target) => {
    const judged = target.evaluate();
    return `${judged.status}: ${target.description}: ${judged.measured === '—' ? judged.detail : judged.measured}`;
  });
}

function batchSection(results) {
  const batch = results.batch;
  if (!batch) return 'Not measured in this run.';
  const settings = results.settings.batch;
  const parts = [
    `A CSV of ${batch.model} rows (a header \`f0,…,f${batch.features - 1}\`, then ${batch.features} numbers in [−4, 4) with 4 decimals per row, from a seeded generator: the same file every run) at each row count, scored two ways, and the two results files compared row by row:`,
    '',
    `- **the limit**: \`bench/batch-limit.mjs\`, a process of its own: csv-parse (the worker's own copy, the same dialect) streams the file, \`OnnxModel.run\` scores ${settings.rowsPerRun} rows at a time, and the results file is written as the download is (\`row,line,model,version,<output>,error\`, the output as a JSON array); timed from the first byte read to the file closed.`,
    `- **Modelgate end to end**: a fresh stack per row count (its own database, Redis prefix, API and worker processes, so each peak is that job's alone): ${settings.workers} worker with \`MODELGATE_BATCH_CONCURRENCY=${settings.workerConcurrency}\` (its default), a worker-placement endpoint with \`batching.maxBatchSize\` ${settings.rowsPerRun} (rows per model run); the harness uploads the CSV as a streamed multipart body (\`spec\` {endpoint, ${settings.chunkSize === undefined ? 'no chunkSize (the API chooses one for the file: see each size below)' : `chunkSize ${formatRows(settings.chunkSize)}`}, errorBudget 0}), polls \`GET /v1/batch-jobs/{id}\` every 50 ms until it has succeeded, and streams \`GET …/results?format=csv\` to a file; timed from the upload's first byte to the download's last. Upload is the \`POST\` (the API writes the file to disk and counts its rows before it answers 201), scoring is 201 → succeeded seen by the poll, download the \`GET\`. CPU seconds are each process's user + system time over the phase (\`/proc/<pid>/stat\`), PostgreSQL's those of the backends serving the stack's database (found by their process titles; WAL writing and checkpoints are not in it); machine busy is the share of both cores' time in use, by anything (\`/proc/stat\`), and everything else is that busy time less the API, the worker, those backends and the harness itself: Redis, PostgreSQL's shared processes, and whatever other work the machine was doing; peak RSS per phase is the highest of VmRSS sampled every 250 ms, and the overall peak is the kernel's VmHWM${batch.sizes.every((size) => size.system.status !== 'measured' || size.system.peakRssSince === 'upload') ? ', reset just before the upload (\`/proc/<pid>/clear_refs\`) and read after the download: the job\'s peak, not start-up\'s' : ' since each process started (it could not be reset here), read after the download'}. The limit's peak is its VmHWM, model load included.`,
    '',
    '| rows | CSV | system | seconds | rows/s | ÷ limit | peak RSS | results |',
    '|---:|---:|---|---:|---:|---:|---|---|',
  ];
  for (const size of batch.sizes) {
    const { limit, system, check } = size;
    const csv = formatMiB(size.csvBytes);
    parts.push(
      `| ${formatRows(size.rows)} | ${csv} | limit: onnxruntime in-process | ${limit.seconds.toFixed(2)} (in onnxruntime ${limit.inferenceSeconds.toFixed(2)}; CPU ${limit.cpuSeconds.toFixed(2)}) | ${formatRate(limit.rowsPerSecond)} | 1 | ${formatMiB(limit.peakRssBytes)} | the reference |`,
    );
    if (system.status === 'measured') {
      const result = check?.status === 'passed' ? `every row once, outputs equal to the limit's (${formatRows(check.rowsCompared)} compared)` : `**wrong**: ${escapeCell((check?.problems ?? []).join('; '))}`;
      parts.push(
        `| ${formatRows(size.rows)} | ${csv} | Modelgate end to end | ${system.seconds.toFixed(2)} | ${formatRate(system.rowsPerSecond)} | ${formatRatio(system.rowsPerSecond / limit.rowsPerSecond)} | API ${formatMiB(system.peakRssBytes.api)}, worker ${formatMiB(system.peakRssBytes.worker)} | ${result} |`,
      );
    } else {
      parts.push(`| ${formatRows(size.rows)} | ${csv} | Modelgate end to end | ${system.status}: ${escapeCell(system.reason)} | | | | |`);
    }
  }
  const measured = batch.sizes.filter((size) => size.system.status === 'measured');
  if (measured.length) {
    const PHASES = {
      upload: 'upload: POST, the API streams the file to disk and counts its rows',
      scoring: 'queued + scoring: 201 → succeeded',
      download: 'download: the results CSV streamed from PostgreSQL',
    };
    parts.push(
      '',
      "Where Modelgate's time goes:",
      '',
      '| rows | phase | seconds | API CPU s | worker CPU s | PostgreSQL CPU s | everything else, CPU s | machine busy | API peak RSS | worker peak RSS |',
      '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const size of measured) {
      for (const [phase, label] of Object.entries(PHASES)) {
        const figures = size.system.phases[phase];
        parts.push(
          `| ${formatRows(size.rows)} | ${label} | ${figures.seconds.toFixed(2)} | ${figures.cpuSeconds.api.toFixed(1)} | ${figures.cpuSeconds.worker.toFixed(1)} | ${figures.cpuSeconds.postgres?.toFixed(1) ?? '—'} | ${figures.otherCpuSeconds?.toFixed(1) ?? '—'} | ${formatShare(figures.machineBusyShare, 0)} | ${formatMiB(figures.peakRssBytes.api)} | ${formatMiB(figures.peakRssBytes.worker)} |`,
        );
      }
    }
    parts.push(
      '',
      measured
        .map(
          (size) =>
            `${formatRows(size.rows)} rows: the job itself reports ${formatRate(size.system.job.rowsPerSecond)} rows/s (rows over started → finished, ${size.system.job.scoringSeconds?.toFixed(2) ?? '—'} s, after ${size.system.job.queuedSeconds?.toFixed(2) ?? '—'} s queued) in chunks of ${formatRows(size.system.job.chunkSize)} rows; the API and worker held ${formatMiB(size.system.idleRssBytes.api)} and ${formatMiB(size.system.idleRssBytes.worker)} before the upload; the results file is ${formatMiB(size.system.resultBytes)}; mapping in force ${escapeCell(JSON.stringify(size.system.job.mapping))}.`,
        )
        .join(' '),
    );
  }
  if (batch.sizes.length >= 2) {
    const smallest = batch.sizes[0];
    const largest = batch.sizes.at(-1);
    const row = (label, small, large) => `| ${label} | ${formatMiB(small)} | ${formatMiB(large)} | ${formatRatio(large / small)} |`;
    parts.push(
      '',
      `Memory as rows grow (peak RSS, each a fresh process; ${formatRows(largest.rows / smallest.rows)} × the rows):`,
      '',
      `| process | ${formatRows(smallest.rows)} rows | ${formatRows(largest.rows)} rows | ratio |`,
      '|---|---:|---:|---:|',
    );
    if (smallest.system.status === 'measured' && largest.system.status === 'measured') {
      for (const [process, label] of Object.entries(BATCH_PROCESSES)) parts.push(row(`Modelgate ${label}`, smallest.system.peakRssBytes[process], largest.system.peakRssBytes[process]));
    }
    parts.push(row('the limit', smallest.limit.peakRssBytes, largest.limit.peakRssBytes));
  }
  return parts.join('\n');
}

/** Every target judged against one results file. */
export function evaluateTargets(results) {
  return [...TARGETS, ...coldStartTargets(results), recordingTarget, ...batchTargets(results)].map((target) => ({
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

function recordingSection(results) {
  const recording = results.recording;
  if (!recording) return 'Not measured in this run.';
  const summary = summarizeRecording(results);
  const { endToEnd, recordCall } = recording;
  const settings = results.settings.recording;
  const parts = [];
  if (endToEnd?.status === 'measured') {
    const roundCount = Math.max(...summary.byConcurrency.map((row) => row.on.throughputs.length));
    const roundHeads = Array.from({ length: roundCount }, (_, index) => `round ${index + 1}`);
    parts.push(
      `Every round starts a fresh pair of API processes on the stack (its database, Redis and data directory), identical but for \`MODELGATE_METRICS_RECORDING\`: on (the default) and \`false\` (\`record()\` returns at once and nothing is flushed), both flushing every ${settings.flushMs.toLocaleString('en-US')} ms (the API's default). The load goes to one at a time, the other idle: endpoint placement \`${endToEnd.placement}\`, ${endToEnd.model}, its JSON request, as in the table above but with a ${settings.warmupSec} s warm-up (the processes are fresh) and ${settings.durationSec} s measured. Within a round both are measured back to back, the order swapping from round to round (on then off, off then on, …), so a drift of the machine weighs on both alike; then the pair is stopped. Fresh processes every round, because two identical API processes can differ by a few % for their whole life (JIT and memory-layout luck): with one pair for all rounds, that difference would pass for the cost of recording. The cost is 1 − on ÷ off of the medians; each round's own on ÷ off shows how far one comparison can be off. load.mjs also reads the loaded process's CPU time over each window from /proc (per-thread schedstat): CPU per answer is what recording adds to each request's work and, unlike req/s, does not count the time the machine gave to other work (a CPU-bound process loses 1 − off ÷ on of its throughput). Check: the recording processes' /metrics counted ${formatRate(endToEnd.predictionsCounted.on)} predictions in all, the others ${formatRate(endToEnd.predictionsCounted.off)}.`,
      '',
      `| c | recording | measured | ${roundHeads.join(' | ')} | median | min – max | spread (max − min) ÷ median |`,
      `|---:|---|---|${roundHeads.map(() => '---:|').join('')}---:|---|---:|`,
    );
    const roundCells = (values, format) => Array.from({ length: roundCount }, (_, index) => (values[index] === undefined ? '' : format(values[index])));
    const micros = (value) => value.toFixed(1);
    for (const row of summary.byConcurrency) {
      for (const [id, stats] of [
        ['on (default)', row.on],
        ['off', row.off],
      ]) {
        parts.push(
          `| ${row.concurrency} | ${id} | req/s | ${roundCells(stats.throughputs, formatRate).join(' | ')} | ${formatRate(stats.median)} | ${formatRate(stats.min)} – ${formatRate(stats.max)} | ${formatShare(stats.relativeSpread)} |`,
        );
        if (stats.cpu) {
          for (const [thread, label] of [
            ['allThreads', 'API CPU µs per answer, all threads'],
            ['mainThread', 'API CPU µs per answer, main thread'],
          ]) {
            const cpu = stats.cpu[thread];
            parts.push(
              `| ${row.concurrency} | ${id} | ${label} | ${roundCells(cpu.values, micros).join(' | ')} | ${micros(cpu.median)} | ${micros(cpu.min)} – ${micros(cpu.max)} | ${formatShare(cpu.relativeSpread)} |`,
            );
          }
        }
      }
    }
    const failures = summary.byConcurrency.reduce((sum, row) => sum + row.on.failures + row.off.failures, 0);
    parts.push(
      '',
      `Mean latency (median of the rounds): ${summary.byConcurrency.map((row) => `c=${row.concurrency} ${formatMs(row.on.meanLatencyMs)} ms on, ${formatMs(row.off.meanLatencyMs)} ms off`).join('; ')}. Non-2xx answers and errors in all rounds: ${failures}.`,
      '',
      '| c | measured | off ÷ on (medians) | cost | each round\'s cost | |',
      '|---:|---|---:|---:|---|---|',
    );
    for (const row of summary.byConcurrency) {
      parts.push(
        `| ${row.concurrency} | req/s: 1 − on ÷ off | ${row.ratioOffToOn.toFixed(3)} | **${formatShare(row.cost)}** | ${row.roundCosts.map((cost) => formatShare(cost)).join(', ')} | ${row.concurrency === summary.judgedConcurrency ? 'the target is judged on this' : ''} |`,
      );
      if (row.cpuCost) {
        for (const [thread, label] of [
          ['allThreads', 'API CPU per answer, all threads: 1 − off ÷ on'],
          ['mainThread', 'API CPU per answer, main thread: 1 − off ÷ on'],
        ]) {
          const cost = row.cpuCost[thread];
          parts.push(
            `| ${row.concurrency} | ${label} | ${(row.off.cpu[thread].median / row.on.cpu[thread].median).toFixed(3)} | ${formatShare(cost.cost)} | ${cost.roundCosts.map((value) => formatShare(value)).join(', ')} | |`,
          );
        }
      }
    }
    const noisiest = Math.max(...summary.byConcurrency.map((row) => row.noise));
    if (noisiest > RECORDING_COST_BOUND) {
      parts.push(
        '',
        `Rounds of the same configuration differ by up to ${formatShare(noisiest)} here, more than the ${RECORDING_COST_BOUND * 100} % being measured: the end-to-end cost is only known to within that noise, and the isolated figure below is the precise bound.`,
      );
    }
  } else {
    parts.push(`End to end: unavailable (${escapeCell(endToEnd?.reason ?? 'not measured')}).`);
  }
  if (recordCall) {
    const isolated = summary.isolated;
    const row = (label, figures) =>
      `| ${label} | ${formatMs(figures.nsPerCall)} | ${formatMs(figures.minNsPerCall)} – ${formatMs(figures.maxNsPerCall)} | ${figures.minorGcs.join(', ')} |`;
    parts.push(
      '',
      `In isolation (\`bench/record-cost.mjs\`, a process of its own): the built \`LatencyRecorder\` (apps/api/dist) timed over ${recordCall.calls.toLocaleString('en-US')} calls, ${recordCall.repetitions} times after ${recordCall.warmupCalls.toLocaleString('en-US')} to warm up, over ${recordCall.series} series with ${recordCall.distinctSamples.toLocaleString('en-US')} samples cycled: ${Object.entries(recordCall.outcomes).map(([outcome, share]) => `${outcome} ${formatShare(share, 1)}`).join(', ')}; latencies log-uniform over ${recordCall.latencyRangeMs[0]} ms – ${(recordCall.latencyRangeMs[1] / 1000).toLocaleString('en-US')} s, so every bucket is used. The loop is included; the recording-off line is the loop and the call alone.`,
      '',
      '| measured | ns per call (median) | min – max | minor GCs during each timed loop |',
      '|---|---:|---:|---|',
      row('`record()`, recording on, samples built beforehand', recordCall.recordOn),
      row('`record()`, recording off', recordCall.recordOff),
      row('as inference.service.ts calls it (the sample object built per call), recording on', recordCall.callSiteOn),
      row('the same, recording off (the object is built either way)', recordCall.callSiteOff),
      '',
      isolated.impliedShare === undefined
        ? 'No end-to-end throughput to weigh it against in this run.'
        : `At the recording-on throughput measured above (${formatRate(isolated.atThroughput)} req/s, c=${summary.judgedConcurrency}), ${formatMs(isolated.nsPerCall)} ns per request is ${formatMs(isolated.nsPerCall)} × ${formatRate(isolated.atThroughput)} ÷ 10⁹ = **${formatShare(isolated.impliedShare, 2)}** of each second of the API's JavaScript thread (one Node process: record() runs on that one thread, so a core-second per second is the whole budget). Counted as the call site pays it, on minus off, ${formatMs(isolated.callSiteNsPerCall - isolated.callSiteOffNsPerCall)} ns: ${formatShare(((isolated.callSiteNsPerCall - isolated.callSiteOffNsPerCall) * isolated.atThroughput) / 1e9, 2)}.`,
      '',
      `One flush, \`drain()\` plus the upsert's parameters as \`addLatencyRollups\` (@modelgate/db) builds them, handed to a stand-in database (${recordCall.flush.seriesPending} series pending, up to ${recordCall.flush.rows} rows, ${recordCall.flush.payloadBytes.toLocaleString('en-US')} bytes of SQL and JSON): ${formatMs(recordCall.flush.medianMicros)} µs median over ${recordCall.flush.flushes.toLocaleString('en-US')} flushes (p99 ${formatMs(recordCall.flush.p99Micros)} µs), once every ${settings.flushMs.toLocaleString('en-US')} ms: ${formatShare(isolated.flushShare, 4)} of the thread, whatever the request rate. The database statement itself is one round trip per flush.`,
    );
  }
  return parts.join('\n');
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

From issue 5, the recording cost from issue 6 (judged on the end-to-end medians at the highest concurrency of its rounds; see Recording cost) and the batch files from issue 8 (see Batch files). ShuffleNet's targets are judged at c=${SHUFFLENET_TARGET_CONCURRENCY}; "(b)" is the hand-written baseline at the same concurrency.

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

## Recording cost

What recording every prediction's latency and outcome (issue 6: \`LatencyRecorder.record()\` per request, per-minute rollups flushed to PostgreSQL, /metrics) costs in throughput, measured with recording on and off in the same run, end to end and in isolation.

${recordingSection(results)}

## Batch files

A CSV through Modelgate's batch jobs end to end (upload → scored in chunks by the worker → results downloaded) against the limit measured in the same run: onnxruntime in a process of its own reading the same CSV in batches and writing the same results file (issue 8).

${batchSection(results)}

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
