// The batch-file section of the benchmark (issue 8): a CSV of tiny-gemm rows through Modelgate end
// to end (upload → scored by the worker → results downloaded), against the limit measured in the
// same run (bench/batch-limit.mjs: onnxruntime in a process of its own reading the same CSV and
// writing the same results file), at each row count asked for (100,000 and 1,000,000 by default),
// with the peak memory of the API and worker processes at each.
import { createReadStream, createWriteStream, openAsBlob, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../scripts/lib/pnpm.mjs';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const { parse } = createRequire(path.join(repoRoot, 'apps/worker/package.json'))('csv-parse');

/** How often the harness samples the processes' memory. */
const POLL_MS = 250;
/**
 * How often it reads the job's progress: the job's end is seen up to this late, so it is short
 * against the seconds a run takes (a GET every 50 ms costs the API next to nothing).
 */
const JOB_POLL_MS = 50;
/** Linux reports process CPU time in clock ticks of USER_HZ, 100 on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;
/** The results file's columns, the system's and the limit's alike (README, "Batch files"). */
const RESULT_COLUMNS = (output) => ['row', 'line', 'model', 'version', output, 'error'];

/** Fresh stacks the section starts, one per row count; stopped after it, or when the run is interrupted. */
const activeStacks = new Set();

export async function stopBatchStacks() {
  for (const stack of activeStacks) await stack.stop();
  activeStacks.clear();
}

/**
 * A deterministic CSV of `rows` rows for a model with one input [N, features]: a header
 * `f0,…,f{features-1}`, then numbers in [-4, 4) with 4 decimals from a seeded generator
 * (mulberry32), so every run scores the same file. Written in blocks, never held whole.
 */
export async function writeBatchCsv(file, rows, features) {
  let seed = 0x5eed;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = createWriteStream(file);
  let text = `${Array.from({ length: features }, (_, index) => `f${index}`).join(',')}\n`;
  for (let row = 0; row < rows; row++) {
    const cells = new Array(features);
    for (let column = 0; column < features; column++) cells[column] = (next() * 8 - 4).toFixed(4);
    text += `${cells.join(',')}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await finished(out);
  return statSync(file).size;
}

function procStatus(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  return { rss: kB('VmRSS'), hwm: kB('VmHWM') };
}

/**
 * Resets a process's VmHWM to its current RSS (Linux ≥ 4.0, by its owner), so the peak read later
 * is the job's and not start-up's. Returns whether the kernel took it.
 */
function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU seconds of a process, all its threads (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * The PostgreSQL backends serving one database: PostgreSQL titles each backend process
 * `postgres: <cluster>: <user> <database> <client> <state>`.
 */
function postgresBackends(database) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres:') && title.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Machine-wide CPU time, busy and total, in ticks (/proc/stat). */
function machineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - fields[3] - (fields[4] ?? 0), total };
}

/** The stack's API and worker processes, told apart by their working directories. */
function stackProcesses(stack) {
  const byApp = {};
  for (const child of stack.group.children) {
    const cwd = readlinkSync(`/proc/${child.pid}/cwd`);
    if (cwd.endsWith(path.join('apps', 'api'))) byApp.api = child.pid;
    else if (cwd.endsWith(path.join('apps', 'worker'))) byApp.worker = child.pid;
  }
  if (!byApp.api || !byApp.worker) throw new Error(`could not find the stack's API and worker processes (found ${JSON.stringify(byApp)})`);
  return byApp;
}

/**
 * Samples the processes' resident memory every POLL_MS and keeps the highest per phase, with each
 * phase's CPU time: the API's, the worker's, the PostgreSQL backends' serving the stack's database,
 * and how busy the whole machine was; `finish()` adds each process's VmHWM (its peak, read by the
 * kernel, so no sample can miss it).
 */
class ProcessSampler {
  constructor(pids, database) {
    this.pids = pids;
    this.database = database;
    this.phases = {};
    this.timer = setInterval(() => this.sample(), POLL_MS);
  }

  startPhase(name) {
    this.endPhase();
    this.current = { name, startedAt: performance.now(), cpuAtStart: this.cpu(), backendsAtStart: this.backendCpu(), machineAtStart: machineCpu(), harnessAtStart: process.cpuUsage(), peakRssBytes: {} };
    this.sample();
  }

  endPhase() {
    if (!this.current) return;
    this.sample();
    const cpuAtEnd = this.cpu();
    const backendsAtEnd = this.backendCpu();
    const machine = machineCpu();
    // A backend that appeared during the phase counts whole; one that ended during it is lost (the pools keep theirs).
    let postgres = 0;
    for (const [pid, seconds] of backendsAtEnd) postgres += seconds - (this.current.backendsAtStart.get(pid) ?? 0);
    const harness = process.cpuUsage(this.current.harnessAtStart);
    const cpuSeconds = {
      ...Object.fromEntries(Object.keys(this.pids).map((name) => [name, cpuAtEnd[name] - this.current.cpuAtStart[name]])),
      postgres,
      harness: (harness.user + harness.system) / 1e6,
    };
    const machineBusySeconds = (machine.busy - this.current.machineAtStart.busy) / CLOCK_TICKS_PER_SECOND;
    this.phases[this.current.name] = {
      seconds: (performance.now() - this.current.startedAt) / 1000,
      peakRssBytes: this.current.peakRssBytes,
      cpuSeconds,
      machineBusyShare: (machine.busy - this.current.machineAtStart.busy) / (machine.total - this.current.machineAtStart.total),
      // Everything else the machine did meanwhile: Redis, PostgreSQL's shared processes, and any other work on it.
      otherCpuSeconds: Math.max(0, machineBusySeconds - Object.values(cpuSeconds).reduce((sum, value) => sum + value, 0)),
    };
    this.current = undefined;
  }

  sample() {
    if (!this.current) return;
    for (const [name, pid] of Object.entries(this.pids)) {
      try {
        const { rss } = procStatus(pid);
        this.current.peakRssBytes[name] = Math.max(this.current.peakRssBytes[name] ?? 0, rss);
      } catch {
        // The process has exited: the job will fail and say so; there is nothing left to sample.
      }
    }
  }

  cpu() {
    return Object.fromEntries(Object.entries(this.pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  }

  backendCpu() {
    const seconds = new Map();
    for (const pid of postgresBackends(this.database)) {
      try {
        seconds.set(pid, cpuSeconds(pid));
      } catch {
        // the connection closed meanwhile
      }
    }
    return seconds;
  }

  stop() {
    clearInterval(this.timer);
  }

  finish() {
    this.endPhase();
    this.stop();
    return {
      phases: this.phases,
      peakRssBytes: Object.fromEntries(Object.entries(this.pids).map(([name, pid]) => [name, procStatus(pid).hwm])),
    };
  }
}

/** The limit: bench/batch-limit.mjs in its own process over the same CSV. */
async function measureLimit({ csvFile, outFile, modelFile, model, version, settings, runChild }) {
  const stdout = await runChild(
    [
      path.join(benchDirectory, 'batch-limit.mjs'),
      '--csv',
      csvFile,
      '--out',
      outFile,
      '--model',
      modelFile,
      '--input',
      model.inputName,
      '--output',
      model.outputName,
      '--rows-per-run',
      String(settings.batch.rowsPerRun),
      '--model-name',
      model.name,
      '--version',
      String(version),
      '--intra-op-threads',
      String(settings.ortIntraOpThreads),
      '--inter-op-threads',
      String(settings.ortInterOpThreads),
    ],
    { timeoutMs: settings.batch.timeoutSec * 1000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** Uploads the model, and deploys it to a worker endpoint whose model runs take `rowsPerRun` rows. */
async function deployBatchEndpoint(stack, model, settings, { callApi, describeFailure }) {
  const form = new FormData();
  form.set('metadata', JSON.stringify({ description: `benchmark: ${model.description}` }));
  form.set('file', new Blob([model.bytes]), 'model.onnx');
  const uploaded = await callApi(stack.apiUrl, stack.adminToken, 'POST', `/v1/models/${model.name}/versions`, form);
  if (uploaded.status !== 201 && uploaded.status !== 200) throw new Error(describeFailure(`uploading ${model.name}`, uploaded));
  const version = uploaded.json.version;
  const endpoint = `${model.name}-batch`;
  const created = await callApi(stack.apiUrl, stack.adminToken, 'POST', '/v1/endpoints', {
    name: endpoint,
    description: 'benchmark endpoint for batch files (npm run bench)',
    placement: 'worker',
    // The scorer runs an endpoint's rows maxBatchSize at a time: the limit runs the same batches.
    batching: { maxBatchSize: settings.batch.rowsPerRun, maxDelayMs: 0 },
  });
  if (created.status !== 201) throw new Error(describeFailure(`creating endpoint ${endpoint}`, created));
  const promoted = await callApi(stack.apiUrl, stack.adminToken, 'POST', `/v1/endpoints/${endpoint}/promote`, {
    model: model.name,
    version,
    expectedRevision: 0,
    reason: 'benchmark',
  });
  if (promoted.status !== 200) throw new Error(describeFailure(`promoting ${model.name} v${version} to ${endpoint}`, promoted));
  return { endpoint, version };
}

class Unavailable extends Error {}

/**
 * The system: a fresh stack (its own database, Redis prefix, data directory, and API and worker
 * processes, so their peak memory is this job's alone), the CSV uploaded as a streamed multipart
 * body, the job's progress polled until it succeeds, the results downloaded as a stream to a file.
 * Timed from the upload's first byte to the download's last.
 */
async function measureSystem({ csvFile, outFile, rows, model, settings, stackEnv, startStack, api }) {
  const stack = await startStack({ env: { ...stackEnv, MODELGATE_BATCH_CONCURRENCY: String(settings.batch.workerConcurrency) } });
  activeStacks.add(stack);
  try {
    const { endpoint, version } = await deployBatchEndpoint(stack, model, settings, api);
    const pids = stackProcesses(stack);
    const idle = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, procStatus(pid).rss]));
    const peakReset = Object.values(pids).every((pid) => resetPeakRss(pid));
    const auth = { authorization: `Bearer ${stack.adminToken}` };
    const sampler = new ProcessSampler(pids, new URL(stack.env.DATABASE_URL).pathname.slice(1));
    try {
      const started = performance.now();
      sampler.startPhase('upload');
      const form = new FormData();
      // spec first: it decides how the file is read as it streams in.
      form.set('spec', JSON.stringify({ endpoint, ...(settings.batch.chunkSize === undefined ? {} : { chunkSize: settings.batch.chunkSize }), errorBudget: 0 }));
      form.set('file', await openAsBlob(csvFile, { type: 'text/csv' }), path.basename(csvFile));
      const submitted = await fetch(new URL('/v1/batch-jobs', stack.apiUrl), { method: 'POST', headers: auth, body: form });
      const job = await submitted.json().catch(() => null);
      if (submitted.status === 404 || submitted.status === 415) throw new Unavailable(api.describeFailure('not available yet: POST /v1/batch-jobs', { status: submitted.status, json: job }));
      if (submitted.status !== 201) throw new Error(api.describeFailure('submitting the batch file', { status: submitted.status, json: job }));
      if (job.progress.totalRows !== rows) throw new Error(`the API counted ${job.progress.totalRows} rows in a file of ${rows}`);

      sampler.startPhase('scoring');
      let state = job;
      const deadline = Date.now() + settings.batch.timeoutSec * 1000;
      while (state.status === 'queued' || state.status === 'running') {
        if (Date.now() > deadline) throw new Error(`the batch job was still ${state.status} after ${settings.batch.timeoutSec} s (${state.progress.rowsDone} of ${rows} rows done)`);
        await sleep(JOB_POLL_MS);
        const polled = await fetch(new URL(`/v1/batch-jobs/${job.id}`, stack.apiUrl), { headers: auth });
        if (!polled.ok) throw new Error(`GET /v1/batch-jobs/${job.id} answered HTTP ${polled.status}: ${await polled.text()}`);
        state = await polled.json();
      }
      if (state.status !== 'succeeded') throw new Error(`the batch job ended ${state.status}: ${state.error ?? 'no reason given'}`);

      sampler.startPhase('download');
      const download = await fetch(new URL(`/v1/batch-jobs/${job.id}/results?format=csv`, stack.apiUrl), { headers: auth });
      if (!download.ok) throw new Error(`GET /v1/batch-jobs/${job.id}/results answered HTTP ${download.status}: ${await download.text()}`);
      await pipeline(Readable.fromWeb(download.body), createWriteStream(outFile));
      const seconds = (performance.now() - started) / 1000;
      const processes = sampler.finish();
      const serverSeconds = (from, to) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : undefined);
      return {
        status: 'measured',
        endpoint,
        version,
        jobId: job.id,
        seconds,
        rowsPerSecond: rows / seconds,
        phases: processes.phases,
        peakRssBytes: processes.peakRssBytes,
        // Whether peakRssBytes is the job's own (VmHWM reset before the upload) or since the process started.
        peakRssSince: peakReset ? 'upload' : 'process start',
        idleRssBytes: idle,
        job: {
          mapping: state.mapping,
          chunkSize: state.chunkSize,
          rowsPerSecond: state.progress.rowsPerSecond,
          queuedSeconds: serverSeconds(state.createdAt, state.startedAt),
          scoringSeconds: serverSeconds(state.startedAt, state.finishedAt),
        },
        resultBytes: statSync(outFile).size,
      };
    } finally {
      sampler.stop();
    }
  } catch (error) {
    if (error instanceof Unavailable) return { status: 'unavailable', reason: error.message };
    return { status: 'failed', reason: error.message };
  } finally {
    await stack.stop();
    activeStacks.delete(stack);
  }
}

/**
 * Reads both results files side by side, streaming: the system's must have the limit's header,
 * rows 0 … n−1 once each in order, each with its file line, the model and version, no error, and
 * outputs equal to the limit's within the tolerance.
 */
export async function compareResults({ systemFile, limitFile, rows, model, version, tolerance }) {
  const reader = (file) => createReadStream(file).pipe(parse({ relax_column_count: true }))[Symbol.asyncIterator]();
  const system = reader(systemFile);
  const limit = reader(limitFile);
  const problems = [];
  let mismatches = 0;
  const problem = (text) => {
    mismatches += 1;
    if (problems.length < 5) problems.push(text);
  };
  const header = RESULT_COLUMNS(model.outputName).join(',');
  const [systemHeader, limitHeader] = await Promise.all([system.next(), limit.next()]);
  if (systemHeader.value?.join(',') !== header) problem(`the download's header is "${systemHeader.value?.join(',')}", expected "${header}"`);
  if (limitHeader.value?.join(',') !== header) problem(`the limit's header is "${limitHeader.value?.join(',')}", expected "${header}"`);
  let compared = 0;
  for (let row = 0; ; row++) {
    const [got, want] = await Promise.all([system.next(), limit.next()]);
    if (got.done || want.done) {
      if (!got.done) problem(`the download has more rows than the ${rows} of the file (row ${got.value[0]} and after)`);
      if (row !== rows) problem(`${got.done ? 'the download' : 'the limit'} ends after ${row} rows of ${rows}`);
      break;
    }
    const [rowId, line, modelName, modelVersion, outputs, error] = got.value;
    if (rowId !== String(row)) {
      problem(`row ${row} of the download has row id ${rowId}`);
      continue;
    }
    if (line !== String(row + 2) || modelName !== model.name || modelVersion !== String(version) || error !== '') {
      problem(`row ${row}: line ${line}, model ${modelName} v${modelVersion}, error "${error}"; expected line ${row + 2}, ${model.name} v${version}, no error`);
      continue;
    }
    const gotValues = JSON.parse(outputs);
    const wantValues = JSON.parse(want.value[4]);
    const differs = gotValues.length !== wantValues.length || wantValues.some((value, index) => !(Math.abs(gotValues[index] - value) <= tolerance.atol + tolerance.rtol * Math.abs(value)));
    if (differs) problem(`row ${row}: ${model.outputName} ${outputs} where the limit has ${want.value[4]}`);
    compared += 1;
  }
  return { status: mismatches === 0 ? 'passed' : 'failed', rowsCompared: compared, mismatches, problems };
}

/**
 * The whole section: for each row count, the CSV is generated, the limit and the system score it,
 * and the two results files are compared. `api` carries run.mjs's callApi and describeFailure.
 */
export async function measureBatch({ model, settings, scratch, stackEnv, startStack, runChild, api, tolerance, log }) {
  const modelFile = path.join(scratch, `${model.name}-batch.onnx`);
  writeFileSync(modelFile, model.bytes);
  const features = model.shape[1];
  const sizes = [];
  for (const rows of settings.batch.rows) {
    const label = rows.toLocaleString('en-US');
    const csvFile = path.join(scratch, `batch-${rows}.csv`);
    const limitFile = path.join(scratch, `batch-${rows}-limit-results.csv`);
    const systemFile = path.join(scratch, `batch-${rows}-system-results.csv`);
    try {
      const csvBytes = await writeBatchCsv(csvFile, rows, features);
      log(`batch: ${label} rows: ${(csvBytes / 1024 ** 2).toFixed(1)} MiB of CSV generated`);
      const system = await measureSystem({ csvFile, outFile: systemFile, rows, model, settings, stackEnv, startStack, api });
      // The version the system scored with is what the limit writes in its file, so the two compare line for line.
      const version = system.version ?? 1;
      const limit = await measureLimit({ csvFile, outFile: limitFile, modelFile, model, version, settings, runChild });
      if (limit.rows !== rows) throw new Error(`the limit read ${limit.rows} rows from a file of ${rows}`);
      log(`batch: ${label} rows: the limit (onnxruntime in-process): ${Math.round(limit.rowsPerSecond).toLocaleString('en-US')} rows/s, ${limit.seconds.toFixed(1)} s, peak RSS ${mib(limit.peakRssBytes)}`);
      const entry = { rows, csvBytes, limit, system };
      if (system.status === 'measured') {
        const { phases } = system;
        log(
          `batch: ${label} rows: Modelgate end to end: ${Math.round(system.rowsPerSecond).toLocaleString('en-US')} rows/s, ${system.seconds.toFixed(1)} s (upload ${phases.upload.seconds.toFixed(1)} s, scoring ${phases.scoring.seconds.toFixed(1)} s in chunks of ${system.job.chunkSize.toLocaleString('en-US')} rows, download ${phases.download.seconds.toFixed(1)} s); peak RSS API ${mib(system.peakRssBytes.api)}, worker ${mib(system.peakRssBytes.worker)}; ${(system.rowsPerSecond / limit.rowsPerSecond).toFixed(2)} × the limit`,
        );
        entry.check = await compareResults({ systemFile, limitFile, rows, model, version, tolerance });
        log(
          `batch: ${label} rows: results ${entry.check.status === 'passed' ? `match the limit's (${entry.check.rowsCompared.toLocaleString('en-US')} rows, every row once)` : `WRONG: ${entry.check.mismatches} problems: ${entry.check.problems.join('; ')}`}`,
        );
      } else {
        log(`batch: ${label} rows: Modelgate ${system.status}: ${system.reason}`);
      }
      sizes.push(entry);
    } finally {
      for (const file of [csvFile, limitFile, systemFile]) rmSync(file, { force: true });
    }
  }
  return { model: model.name, features, sizes };
}

function mib(bytes) {
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}
