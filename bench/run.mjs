// `npm run bench`: one run, on this machine, of every system against the same models and load
// (see bench/README.md). Writes bench/results/<ISO timestamp>.json and regenerates
// docs/benchmarks.md from it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEnv } from '../scripts/lib/env.mjs';
import { repoRoot, runPnpm } from '../scripts/lib/pnpm.mjs';
import { measureBatch, stopBatchStacks } from './batch.mjs';
import { describeBatch, describeRecording, evaluateTargets, resultsDirectory, summarizeRecording, SYSTEMS, writeReport } from './report.mjs';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));

const USAGE = `npm run bench [-- options]

  --duration <s>           measured seconds per cell (default 4)
  --warmup <s>             warm-up seconds before each cell (default 1)
  --concurrency <list>     closed-loop concurrencies (default 1,16,64)
  --models <list>          tiny-gemm, ocr-text-direction, shufflenet-v2-int8 (default all three)
  --intra-op-threads <n>   onnxruntime intra-op threads, everywhere (default 1)
  --inter-op-threads <n>   onnxruntime inter-op threads, everywhere (default 1)
  --max-batch-size <n>     Modelgate endpoints' batching.maxBatchSize (default 32)
  --idle-wait <s>          idle time before a cold-start request (default 3; endpoints unload after 1 s)
  --cold-samples <n>       cold starts measured per endpoint (default 3)
  --only <list>            run only these sections: cells, cold-starts, recording, batch (default all four)
  --recording-concurrency <list>
                           concurrencies of the recording on/off rounds (default 16; the highest is judged)
  --recording-rounds <n>   on/off rounds (default 6; each starts a fresh pair of API processes and measures both)
  --recording-duration <s> measured seconds per recording cell (default 3, after a 2 s warm-up)
  --recording-calls <n>    record() calls per timed loop in the isolated measurement (default 2000000)
  --batch-rows <list>      rows of the batch-file CSVs (default 100000,1000000; memory is compared between the smallest and the largest)
  --batch-chunk-size <n>   rows per chunk job of the batch files (default: none sent, so the API chooses, as it does for users)
  --no-build               use the apps as built; otherwise turbo builds api and worker first (cached when unchanged)
  --cpu-prof-dir <dir>     write a V8 CPU profile of the API and worker processes of every stack the run starts into <dir> (to see where time goes; profiling slows them)`;

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1,16,64' },
    models: { type: 'string' },
    'intra-op-threads': { type: 'string', default: '1' },
    'inter-op-threads': { type: 'string', default: '1' },
    'max-batch-size': { type: 'string', default: '32' },
    'idle-wait': { type: 'string', default: '3' },
    'cold-samples': { type: 'string', default: '3' },
    only: { type: 'string' },
    'recording-concurrency': { type: 'string', default: '16' },
    'recording-rounds': { type: 'string', default: '6' },
    'recording-duration': { type: 'string', default: '3' },
    'recording-calls': { type: 'string', default: '2000000' },
    'batch-rows': { type: 'string', default: '100000,1000000' },
    'batch-chunk-size': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

function positiveNumber(name, { integer = false, zeroAllowed = false } = {}) {
  const value = Number(flags[name]);
  const inRange = zeroAllowed ? value >= 0 : value > 0;
  if (!Number.isFinite(value) || !inRange || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}; got "${flags[name]}"\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

function concurrencyList(name) {
  return flags[name].split(',').map((text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      console.error(`--${name} takes positive integers separated by commas; got "${flags[name]}"`);
      process.exit(2);
    }
    return value;
  });
}

/** The parts of a run, in the order they run; `--only` picks some. */
const SECTIONS = ['cells', 'cold-starts', 'recording', 'batch'];

function sectionList() {
  if (flags.only === undefined) return SECTIONS;
  const picked = flags.only.split(',').map((name) => name.trim());
  const unknown = picked.filter((name) => !SECTIONS.includes(name));
  if (unknown.length || picked.length === 0) {
    console.error(`--only takes some of ${SECTIONS.join(', ')} separated by commas; got "${flags.only}"\n\n${USAGE}`);
    process.exit(2);
  }
  return SECTIONS.filter((name) => picked.includes(name));
}

const settings = {
  sections: sectionList(),
  durationSec: positiveNumber('duration'),
  warmupSec: positiveNumber('warmup', { zeroAllowed: true }),
  concurrency: concurrencyList('concurrency'),
  ortIntraOpThreads: positiveNumber('intra-op-threads', { integer: true }),
  ortInterOpThreads: positiveNumber('inter-op-threads', { integer: true }),
  ortExecutionMode: 'sequential',
  maxBatchSize: positiveNumber('max-batch-size', { integer: true }),
  maxDelayMs: 0,
  maxQueueDepth: 1_000_000,
  // Generous, so a 504 never hides a slow answer at c=64 on the 2.8 MB requests.
  timeoutMs: 60_000,
  rateLimit: { perSecond: 100_000, burst: 1_000_000 },
  idleWaitSec: positiveNumber('idle-wait'),
  coldSamples: positiveNumber('cold-samples', { integer: true }),
  loadSamples: 5,
  loadTimeoutSec: 60,
  // What recording per-request latency costs (issue 6): the gateway on the tiny model, served by
  // pairs of API processes that differ only in MODELGATE_METRICS_RECORDING, in alternating rounds.
  recording: {
    model: 'tiny-gemm',
    placement: 'gateway',
    concurrency: concurrencyList('recording-concurrency'),
    rounds: positiveNumber('recording-rounds', { integer: true }),
    // Each round's processes are fresh: a longer warm-up than the cells' lets the JIT settle.
    warmupSec: 2,
    durationSec: positiveNumber('recording-duration'),
    // Both processes flush at the API's default interval (the test stack's own is 1 s).
    flushMs: 5000,
    calls: positiveNumber('recording-calls', { integer: true }),
    repetitions: 5,
  },
  // Batch files (issue 8): CSVs of tiny-gemm rows through a fresh stack per row count, end to end,
  // against onnxruntime in a process of its own on the same CSV (bench/batch.mjs).
  batch: {
    model: 'tiny-gemm',
    rows: [...new Set(concurrencyList('batch-rows'))].sort((left, right) => left - right),
    // Unset: the spec names no chunkSize and the API chooses one for the file (what users get).
    chunkSize: flags['batch-chunk-size'] === undefined ? undefined : positiveNumber('batch-chunk-size', { integer: true }),
    // The endpoint's batching.maxBatchSize: the worker runs a chunk's rows this many at a time
    // (64 is also what it uses for a pinned version); the limit runs the same batches.
    rowsPerRun: 64,
    // One worker process with the worker's default MODELGATE_BATCH_CONCURRENCY: chunks in flight at once.
    workers: 1,
    workerConcurrency: 2,
    timeoutSec: 1800,
  },
};

// |got - want| <= atol + rtol·|want|: every system runs the same onnxruntime on the same input.
const ANSWER_TOLERANCE = { atol: 1e-3, rtol: 1e-3 };

const log = (message) => console.log(`[bench] ${message}`);

async function buildApps() {
  if (flags['no-build']) {
    const missing = ['apps/api/dist/main.js', 'apps/worker/dist/main.js', 'packages/runtime/dist/index.js', 'packages/db/dist/testing/index.js'].filter(
      (file) => !existsSync(path.join(repoRoot, file)),
    );
    if (missing.length) {
      console.error(`--no-build, but ${missing.join(', ')} is missing: run \`pnpm exec turbo run build --filter=!@modelgate/web\` first`);
      process.exit(1);
    }
    return;
  }
  log('building the api and the worker with turbo (cached when nothing changed)');
  try {
    await runPnpm(['exec', 'turbo', 'run', 'build', '--filter=@modelgate/api', '--filter=@modelgate/worker', '--output-logs=errors-only']);
  } catch (error) {
    console.error(`\nthe build failed (${error.message}); fix it, or build yourself (\`pnpm exec turbo run build --filter=!@modelgate/web\`) and pass --no-build`);
    process.exit(1);
  }
}

function machineInfo(onnxruntimeVersion) {
  const cpus = os.cpus();
  const packageVersion = (name) => JSON.parse(readFileSync(requireFromRoot.resolve(`${name}/package.json`), 'utf8')).version;
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    onnxruntime: onnxruntimeVersion,
    autocannon: packageVersion('autocannon'),
    fastify: packageVersion('fastify'),
  };
}

async function gitState() {
  const output = (args) =>
    new Promise((resolve) => {
      const child = spawn('git', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      child.stdout.on('data', (chunk) => (text += chunk));
      child.on('error', () => resolve(''));
      child.on('close', () => resolve(text.trim()));
    });
  return { commit: (await output(['rev-parse', '--short', 'HEAD'])) || 'unknown', dirty: (await output(['status', '--porcelain'])).length > 0 };
}

/**
 * Share of all cores' time spent busy over `ms`, from /proc/stat: sampled before and after the run
 * with nothing of the benchmark running, it tells whether other work was competing for the CPU.
 */
async function machineBusyShare(ms = 2000) {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) };
  };
  if (!existsSync('/proc/stat')) return undefined;
  const before = read();
  await sleep(ms);
  const after = read();
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

function median(values) {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The same closed loop as the HTTP cells, without HTTP: `concurrency` lanes each awaiting
 * session.run, with the same warm-up rule as load.mjs (at least `warmupSec` and at least one
 * answer per lane), whose answers are dropped.
 */
async function measureSessionLoop(model, feeds, { concurrency, durationSec, warmupSec }, summarizeLatencies) {
  const latencies = [];
  const started = performance.now();
  let warmupAnswers = 0;
  let measuredFrom = warmupSec === 0 ? started : Infinity;
  let measuredUntil = measuredFrom + durationSec * 1000;
  const lane = async () => {
    while (performance.now() < measuredUntil) {
      const requestStarted = performance.now();
      await model.run(feeds);
      const finished = performance.now();
      if (finished < measuredFrom) {
        warmupAnswers++;
        if (warmupAnswers >= concurrency && finished - started >= warmupSec * 1000) {
          measuredFrom = finished;
          measuredUntil = finished + durationSec * 1000;
        }
      } else if (finished <= measuredUntil) {
        latencies.push(finished - requestStarted);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return {
    durationSec,
    warmupAnswers,
    requests: latencies.length,
    throughput: latencies.length / durationSec,
    latencyMs: summarizeLatencies(latencies),
    non2xx: 0,
    errors: 0,
    statusCodes: {},
  };
}

function runChild(args, { timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(args[0])} exited with ${signal ?? code}: ${stderr.trim().slice(-2000)}`));
    });
  });
}

/** One HTTP cell, measured by bench/load.mjs in its own process. */
async function measureHttpCell({ url, headers, bodyFile, concurrency, durationSec = settings.durationSec, warmupSec = settings.warmupSec, cpuOfPid }, scratch) {
  const cellFile = path.join(scratch, 'cell.json');
  writeFileSync(
    cellFile,
    JSON.stringify({
      url,
      method: 'POST',
      headers,
      bodyFile,
      connections: concurrency,
      durationSec,
      warmupSec,
      timeoutSec: settings.timeoutMs / 1000,
      cpuOfPid,
    }),
  );
  // load.mjs may stretch a warm-up to 60 s when the loop is slow to fill.
  const budgetMs = (Math.max(60, warmupSec) + durationSec + settings.timeoutMs / 1000 + 30) * 1000;
  const stdout = await runChild([path.join(benchDirectory, 'load.mjs'), cellFile], { timeoutMs: budgetMs });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** bench/baseline-server.mjs for one model, in its own process. */
async function startBaseline(modelFile) {
  const child = spawn(
    process.execPath,
    [
      path.join(benchDirectory, 'baseline-server.mjs'),
      '--model',
      modelFile,
      '--intra-op-threads',
      String(settings.ortIntraOpThreads),
      '--inter-op-threads',
      String(settings.ortInterOpThreads),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the baseline server did not start within 30 s: ${stderr}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).port);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the baseline server exited (${code}): ${stderr}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function callApi(apiUrl, token, method, route, body) {
  const headers = { authorization: `Bearer ${token}` };
  const isForm = body instanceof FormData;
  const response = await fetch(new URL(route, apiUrl), {
    method,
    headers: body && !isForm ? { ...headers, 'content-type': 'application/json' } : headers,
    body: isForm ? body : body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => null);
  return { status: response.status, json };
}

function describeFailure(what, result) {
  return `${what}: HTTP ${result.status} ${result.json?.detail ?? result.json?.error ?? JSON.stringify(result.json)}`;
}

/**
 * Uploads the models, creates a gateway and a worker endpoint for each, scale-to-zero endpoints
 * for the cold starts, and an API key whose rate limit never binds.
 *
 * Sessions are kept per model version, and a version stays loaded while any endpoint serving it
 * has minReplicas ≥ 1. So each scale-to-zero endpoint serves a version of its own: the same bytes
 * uploaded as another model (`<model>-cold-<placement>`).
 */
async function setUpModelgate(stack, models) {
  const { apiUrl, adminToken } = stack;
  const endpointConfig = {
    batching: { maxBatchSize: settings.maxBatchSize, maxDelayMs: settings.maxDelayMs },
    maxQueueDepth: settings.maxQueueDepth,
    timeoutMs: settings.timeoutMs,
  };
  const upload = async (modelName, model) => {
    const form = new FormData();
    form.set('metadata', JSON.stringify({ description: `benchmark: ${model.description}` }));
    form.set('file', new Blob([model.bytes]), 'model.onnx');
    const uploaded = await callApi(apiUrl, adminToken, 'POST', `/v1/models/${modelName}/versions`, form);
    if (uploaded.status !== 201 && uploaded.status !== 200) throw new Error(describeFailure(`uploading ${modelName}`, uploaded));
    return uploaded.json.version;
  };
  const endpointProblems = {};
  for (const model of models) {
    const version = await upload(model.name, model);
    const endpoints = ['gateway', 'worker'].map((placement) => ({ name: `${model.name}-${placement}`, placement, model: model.name, version }));
    for (const placement of ['gateway', 'worker']) {
      const name = `${model.name}-cold-${placement}`;
      endpoints.push({ name, placement, model: name, version: await upload(name, model), scaling: { minReplicas: 0, idleTimeoutSec: 1 } });
    }
    for (const endpoint of endpoints) {
      const created = await callApi(apiUrl, adminToken, 'POST', '/v1/endpoints', {
        name: endpoint.name,
        description: 'benchmark endpoint (npm run bench)',
        placement: endpoint.placement,
        ...endpointConfig,
        ...(endpoint.scaling ? { scaling: endpoint.scaling } : {}),
      });
      if (created.status !== 201) {
        endpointProblems[endpoint.name] = describeFailure(`creating endpoint ${endpoint.name}`, created);
        continue;
      }
      const promoted = await callApi(apiUrl, adminToken, 'POST', `/v1/endpoints/${endpoint.name}/promote`, {
        model: endpoint.model,
        version: endpoint.version,
        expectedRevision: 0,
        reason: 'benchmark',
      });
      if (promoted.status !== 200) throw new Error(describeFailure(`promoting ${endpoint.model} v${endpoint.version} to ${endpoint.name}`, promoted));
    }
  }
  const key = await callApi(apiUrl, adminToken, 'POST', '/v1/api-keys', {
    name: 'benchmark (npm run bench)',
    scopes: { predict: ['*'] },
    rateLimit: settings.rateLimit,
  });
  if (key.status !== 201) throw new Error(describeFailure('creating the benchmark API key', key));
  return { apiKey: key.json.secret, endpointProblems };
}

/** Output values from any of the answers the systems give: JSON predict, raw bytes, or /v2. */
async function readAnswer(response, outputName) {
  const bytes = Buffer.from(await response.arrayBuffer());
  const headerLength = response.headers.get('inference-header-content-length');
  if (headerLength !== null) {
    const header = JSON.parse(bytes.subarray(0, Number(headerLength)).toString('utf8'));
    let offset = Number(headerLength);
    for (const output of header.outputs ?? []) {
      const size = output.parameters?.binary_data_size;
      if (output.name === outputName) {
        if (size === undefined) return output.data.flat(Infinity).map(Number);
        return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + size)));
      }
      offset += size ?? 0;
    }
    throw new Error(`the answer has no output "${outputName}"`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('octet-stream')) return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
  const json = JSON.parse(bytes.toString('utf8'));
  if (Array.isArray(json.outputs)) {
    const output = json.outputs.find((candidate) => candidate.name === outputName);
    if (!output) throw new Error(`the answer has no output "${outputName}"`);
    return output.data.flat(Infinity).map(Number);
  }
  const output = json.outputs?.[outputName];
  if (output === undefined) throw new Error(`the answer has no output "${outputName}": ${bytes.toString('utf8').slice(0, 300)}`);
  return [output].flat(Infinity).map(Number);
}

function answerDifference(got, want) {
  if (got.length !== want.length) return `${got.length} output values where session.run gives ${want.length}`;
  for (let index = 0; index < want.length; index++) {
    if (!(Math.abs(got[index] - want[index]) <= ANSWER_TOLERANCE.atol + ANSWER_TOLERANCE.rtol * Math.abs(want[index]))) {
      return `output value ${index} is ${got[index]} where session.run gives ${want[index]}`;
    }
  }
  return undefined;
}

/**
 * One request before measuring: the system must answer 2xx, on the placement it claims, with
 * the same output as session.run in-process. A route that does not exist yet (404, 415) makes the
 * system's cells "unavailable", so the harness runs before every part of the serving engine lands.
 */
async function probe(system, model, expected) {
  let response;
  try {
    response = await fetch(system.url, {
      method: 'POST',
      headers: system.headers,
      body: readFileSync(system.bodyFile),
      signal: AbortSignal.timeout(settings.loadTimeoutSec * 1000),
    });
  } catch (error) {
    return { reason: `${system.label}: the request failed (${error.cause?.message ?? error.message})` };
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let detail = text.slice(0, 300);
    try {
      const json = JSON.parse(text);
      detail = json.detail ?? json.error ?? json.message ?? detail;
    } catch {
      // not JSON: the text itself says what happened
    }
    const notYet = response.status === 404 || response.status === 415;
    return { reason: `${notYet ? 'not available yet' : 'not usable'}: ${system.route} answered HTTP ${response.status} (${detail})` };
  }
  const placement = response.headers.get('x-modelgate-placement');
  if (system.placement && placement && placement !== system.placement) {
    await response.arrayBuffer();
    return { reason: `not available yet: an endpoint with placement "${system.placement}" was served by "${placement}" (x-modelgate-placement), so this build has no ${system.placement} placement` };
  }
  try {
    const difference = answerDifference(await readAnswer(response, model.outputName), expected);
    if (difference) return { reason: `wrong answer: ${system.route}: ${difference}` };
  } catch (error) {
    return { reason: `unreadable answer from ${system.route}: ${error.message}` };
  }
  return { placement };
}

/** The HTTP systems for one model, with the body each sends. */
function httpSystems(model, { baselineUrl, apiUrl, apiKey, bodyFiles }) {
  const auth = { authorization: `Bearer ${apiKey}` };
  const systems = [
    { id: 'baseline', route: 'POST /predict (baseline)', url: `${baselineUrl}/predict`, headers: model.requests.json.headers, bodyFile: bodyFiles.json },
  ];
  for (const placement of ['gateway', 'worker']) {
    const endpoint = `${model.name}-${placement}`;
    systems.push({
      id: placement,
      placement,
      endpoint,
      route: `POST /v1/endpoints/${endpoint}/predict (JSON)`,
      url: `${apiUrl}/v1/endpoints/${endpoint}/predict`,
      headers: { ...auth, ...model.requests.json.headers },
      bodyFile: bodyFiles.json,
    });
  }
  if (model.requests.binary) {
    for (const placement of ['gateway', 'worker']) {
      const endpoint = `${model.name}-${placement}`;
      systems.push({
        id: `${placement}-binary`,
        placement,
        endpoint,
        route: `POST /v1/endpoints/${endpoint}/predict (application/octet-stream)`,
        url: `${apiUrl}/v1/endpoints/${endpoint}/predict`,
        headers: { ...auth, ...model.requests.binary.headers },
        bodyFile: bodyFiles.binary,
      });
    }
    for (const placement of ['gateway', 'worker']) {
      const endpoint = `${model.name}-${placement}`;
      systems.push({
        id: `${placement}-oip-binary`,
        placement,
        endpoint,
        route: `POST /v2/models/${endpoint}/infer (binary tensor data)`,
        url: `${apiUrl}/v2/models/${endpoint}/infer`,
        headers: { ...auth, ...model.requests.openInferenceBinary.headers },
        bodyFile: bodyFiles.openInferenceBinary,
      });
    }
  }
  return systems.map((system) => ({ ...system, label: SYSTEMS.find((known) => known.id === system.id).label }));
}

function formatCell(cell) {
  if (cell.status !== 'measured') return `unavailable (${cell.reason})`;
  const failures = cell.non2xx + cell.errors;
  const failed = failures ? `, ${failures} non-2xx/errors` : '';
  if (!cell.latencyMs) return `no 2xx answer within the ${settings.durationSec} s window${failed}`;
  const { mean, p50, p99 } = cell.latencyMs;
  return `mean ${mean.toFixed(2)} ms, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ${Math.round(cell.throughput)} req/s${failed}`;
}

/** A response header that says whether this request paid a cold start, if the API sends one. */
function coldStartHeader(response) {
  for (const [name, value] of response.headers) {
    if (name.includes('cold')) return { name, cold: /^(true|1|yes)$/i.test(value.trim()) };
  }
  return undefined;
}

async function timedRequest(url, headers, body) {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(settings.loadTimeoutSec * 1000) });
  await response.arrayBuffer();
  const elapsedMs = performance.now() - started;
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return { elapsedMs, response };
}

/**
 * First request after an idle unload, against the same request to the model's always-loaded
 * endpoint left idle just as long (so an expired cache or a reused connection costs both alike).
 * An unload is recognised by a cold-start response header when the API sends one, otherwise by
 * the request taking at least half a model load longer than the loaded endpoint's.
 */
async function measureColdStarts({ apiUrl, apiKey, models, rawLoadMs, gatewayProblem }) {
  const targets = [];
  for (const model of models) {
    for (const placement of ['gateway', 'worker']) {
      targets.push({ model, placement, cold: `${model.name}-cold-${placement}`, loaded: `${model.name}-${placement}`, samples: [] });
    }
  }
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const predictUrl = (endpoint) => `${apiUrl}/v1/endpoints/${endpoint}/predict`;
  const active = targets.filter((target) => !(target.placement === 'gateway' && gatewayProblem[target.model.name]));
  const failures = new Map();

  for (let round = 0; round < settings.coldSamples && active.length; round++) {
    for (const target of active) {
      if (failures.has(target)) continue;
      await timedRequest(predictUrl(target.cold), headers, target.model.requests.json.body).catch((error) => failures.set(target, error.message));
    }
    await sleep(settings.idleWaitSec * 1000);
    // Renews the API key's cached credentials, so the first measured request does not pay alone for that.
    await timedRequest(predictUrl(active[0].loaded), headers, active[0].model.requests.json.body).catch(() => undefined);
    for (const target of active) {
      if (failures.has(target)) continue;
      try {
        const loaded = await timedRequest(predictUrl(target.loaded), headers, target.model.requests.json.body);
        const cold = await timedRequest(predictUrl(target.cold), headers, target.model.requests.json.body);
        target.samples.push({ coldMs: cold.elapsedMs, loadedMs: loaded.elapsedMs, header: coldStartHeader(cold.response) });
      } catch (error) {
        failures.set(target, error.message);
      }
    }
    log(`cold starts: round ${round + 1} of ${settings.coldSamples} done`);
  }

  return targets.map((target) => {
    const base = { model: target.model.name, placement: target.placement, rawLoadMs: rawLoadMs[target.model.name] };
    if (target.placement === 'gateway' && gatewayProblem[target.model.name]) return { ...base, status: 'unavailable', reason: gatewayProblem[target.model.name] };
    if (failures.has(target)) return { ...base, status: 'unavailable', reason: `a request to ${target.cold} failed: ${failures.get(target)}` };
    const loadedRequestMs = median(target.samples.map((sample) => sample.loadedMs));
    const samplesMs = target.samples.map((sample) => sample.coldMs);
    const headerName = target.samples.find((sample) => sample.header)?.header.name;
    const unloaded = target.samples.filter((sample) =>
      sample.header ? sample.header.cold : sample.coldMs - sample.loadedMs >= Math.max(1, base.rawLoadMs / 2),
    );
    if (unloaded.length * 2 <= target.samples.length) {
      return {
        ...base,
        status: 'unavailable',
        loadedRequestMs,
        samplesMs,
        reason: `no idle unload seen: ${settings.idleWaitSec} s after its last request, ${target.cold} (minReplicas 0, idleTimeoutSec 1) answered in ${median(samplesMs).toFixed(1)} ms, the loaded endpoint in ${loadedRequestMs.toFixed(1)} ms, and loading the model takes ${base.rawLoadMs.toFixed(1)} ms${
          headerName ? ` (${headerName} said warm)` : ''
        }`,
      };
    }
    return {
      ...base,
      status: 'measured',
      firstRequestMs: median(unloaded.map((sample) => sample.coldMs)),
      overLoadedMs: median(unloaded.map((sample) => sample.coldMs - sample.loadedMs)),
      loadedRequestMs,
      samplesMs,
      detectedBy: headerName ? `response header ${headerName}` : 'latency over the loaded endpoint',
    };
  });
}

/** The sum of a Prometheus counter's samples on one API process's /metrics. */
async function scrapeCounter(apiUrl, name) {
  const text = await (await fetch(new URL('/metrics', apiUrl))).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** API processes the recording rounds start; stopped after their round, or when the run is interrupted. */
const recordingGroups = new Set();

/**
 * What recording per-request latency costs, end to end. Every round starts a fresh pair of API
 * processes on the stack (its database, Redis prefix and data directory), identical but for
 * MODELGATE_METRICS_RECORDING, loads them one at a time (the other idle) at each concurrency, back
 * to back, the order swapping from round to round (on, off; off, on; …), then stops them. Fresh
 * processes per round because two identical API processes started once can differ by a few % for
 * the whole of their lives (JIT and memory-layout luck), which alternating rounds alone would take
 * for the cost of recording; across rounds that luck averages out. Besides req/s, load.mjs reads
 * the loaded process's CPU time over the window (/proc), so CPU per answer is known too; unlike
 * req/s, it does not count the time the machine gave to other work. The stack's own API and worker
 * stay up, idle.
 */
async function measureRecordingEndToEnd({ stack, model, apiKey, endpointProblems, expected, bodyFiles, scratch }) {
  const { recording } = settings;
  const endpoint = `${model.name}-${recording.placement}`;
  if (endpointProblems[endpoint]) return { status: 'unavailable', reason: endpointProblems[endpoint] };
  const { freePort } = await import('../scripts/lib/test-stack.mjs');
  const { ProcessGroup, waitForHttp } = await import('../scripts/lib/processes.mjs');
  const CONFIGURATIONS = [
    { id: 'on', env: { MODELGATE_METRICS_RECORDING: 'true' } },
    { id: 'off', env: { MODELGATE_METRICS_RECORDING: 'false' } },
  ];
  const rounds = [];
  const predictionsCounted = { on: 0, off: 0 };
  for (let round = 1; round <= recording.rounds; round++) {
    const group = new ProcessGroup({ quiet: true, exitWithParent: false });
    recordingGroups.add(group);
    try {
      const startedAt = performance.now();
      const configurations = [];
      for (const { id, env } of CONFIGURATIONS) {
        const port = await freePort();
        const apiUrl = `http://127.0.0.1:${port}`;
        const { pid } = group.start(`api-recording-${id}`, process.execPath, ['dist/main.js'], {
          cwd: path.join(repoRoot, 'apps/api'),
          env: { ...stack.env, MODELGATE_API_PORT: String(port), MODELGATE_API_URL: apiUrl, MODELGATE_METRICS_FLUSH_MS: String(recording.flushMs), ...env },
        });
        configurations.push({ id, apiUrl, pid });
      }
      await Promise.all(configurations.map((configuration) => waitForHttp(`${configuration.apiUrl}/readyz`, { what: `the API with recording ${configuration.id}`, timeoutMs: 60_000 })));
      for (const configuration of configurations) {
        configuration.system = httpSystems(model, { baselineUrl: '', apiUrl: configuration.apiUrl, apiKey, bodyFiles }).find((system) => system.id === recording.placement);
        const outcome = await probe(configuration.system, model, expected);
        if (outcome.reason) return { status: 'unavailable', reason: `recording ${configuration.id}: ${outcome.reason}` };
      }
      log(`recording cost: round ${round}: a fresh pair of API processes (recording on, off) ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
      const order = round % 2 === 1 ? configurations : [...configurations].reverse();
      for (const concurrency of recording.concurrency) {
        for (const configuration of order) {
          const measured = await measureHttpCell(
            { ...configuration.system, concurrency, durationSec: recording.durationSec, warmupSec: recording.warmupSec, cpuOfPid: configuration.pid },
            scratch,
          );
          rounds.push({ round, concurrency, recording: configuration.id, ...measured });
          const cpu = measured.serverCpu ? `; API CPU ${measured.serverCpu.allThreadsMicrosPerAnswer.toFixed(1)} µs per answer (main thread ${measured.serverCpu.mainThreadMicrosPerAnswer.toFixed(1)})` : '';
          log(`recording cost: round ${round} c=${concurrency} recording ${configuration.id.padEnd(3)}: ${formatCell({ status: 'measured', ...measured })}${cpu}`);
        }
      }
      // The check that the switch did what it says: only the process recording counts predictions.
      for (const configuration of configurations) predictionsCounted[configuration.id] += await scrapeCounter(configuration.apiUrl, 'modelgate_predictions_total');
    } finally {
      await group.stopAll();
      recordingGroups.delete(group);
    }
  }
  return { status: 'measured', model: model.name, placement: recording.placement, endpoint, rounds, predictionsCounted };
}

/** The isolated cost of one record() call, measured by bench/record-cost.mjs in its own process. */
async function measureRecordCall() {
  const { calls, repetitions } = settings.recording;
  const stdout = await runChild([path.join(benchDirectory, 'record-cost.mjs'), '--calls', String(calls), '--repetitions', String(repetitions)], { timeoutMs: 300_000 });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** OnnxModel.load of the model's bytes in this process: median of a few, after one to warm up. */
async function measureLoadTime(OnnxModel, bytes, options) {
  await (await OnnxModel.load(bytes, options)).release();
  const samples = [];
  for (let index = 0; index < settings.loadSamples; index++) {
    const started = performance.now();
    const model = await OnnxModel.load(bytes, options);
    samples.push(performance.now() - started);
    await model.release();
  }
  return median(samples);
}

function attachRatios(cells) {
  for (const cell of cells) {
    const baseline = cells.find((candidate) => candidate.model === cell.model && candidate.concurrency === cell.concurrency && candidate.system === 'baseline');
    if (cell.status !== 'measured' || baseline?.status !== 'measured' || !cell.latencyMs || !baseline.latencyMs) continue;
    cell.ratioToBaseline = {
      mean: cell.latencyMs.mean / baseline.latencyMs.mean,
      p50: cell.latencyMs.p50 / baseline.latencyMs.p50,
      p99: cell.latencyMs.p99 / baseline.latencyMs.p99,
      throughput: cell.throughput / baseline.throughput,
    };
  }
}

async function main() {
  const wallClockStarted = performance.now();
  const startedAt = new Date();
  await buildApps();
  loadEnv();

  // Imported after the build: they load the packages' dist folders.
  const { OnnxModel } = await import('@modelgate/runtime');
  const ort = (await import('onnxruntime-node')).default;
  const { loadBenchModels, MODEL_NAMES } = await import('./models.mjs');
  const { summarizeLatencies } = await import('./load.mjs');
  const { startStack: startTestStack } = await import('../scripts/lib/test-stack.mjs');
  const profiling = flags['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(flags['cpu-prof-dir'])}`] : [];
  const startStack = (options) => startTestStack({ ...options, nodeArgs: profiling });

  const runs = (section) => settings.sections.includes(section);
  const requested = flags.models ? flags.models.split(',') : MODEL_NAMES;
  // Every model a section needs is loaded, and uploaded to the shared stack when a section there uses
  // it; the recording and batch sections always use their own model, and the batch section starts
  // stacks of its own.
  const stackModelNames = [...(runs('cells') || runs('cold-starts') ? requested : []), ...(runs('recording') ? [settings.recording.model] : [])];
  const models = loadBenchModels([...new Set([...stackModelNames, ...(runs('batch') ? [settings.batch.model] : [])])]);
  const needsStack = stackModelNames.length > 0;
  const stackEnv = {
    MODELGATE_LOG_LEVEL: 'warn',
    MODELGATE_ORT_INTRA_OP_THREADS: String(settings.ortIntraOpThreads),
    MODELGATE_ORT_INTER_OP_THREADS: String(settings.ortInterOpThreads),
  };
  const measuredModels = models.filter((model) => (runs('cells') || runs('cold-starts')) && requested.includes(model.name));
  const sessionOptions = { intraOpNumThreads: settings.ortIntraOpThreads, interOpNumThreads: settings.ortInterOpThreads, executionMode: settings.ortExecutionMode };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'modelgate-bench-'));
  const results = {
    startedAt: startedAt.toISOString(),
    machine: machineInfo(ort.env.versions.node ?? ort.env.versions.common),
    git: await gitState(),
    settings,
    models: [],
    cells: [],
    coldStarts: [],
    recording: undefined,
    batch: undefined,
    otherLoad: { busyShareBefore: await machineBusyShare(), loadAverageBefore: os.loadavg() },
  };

  const rawLoadMs = {};
  for (const model of measuredModels) {
    rawLoadMs[model.name] = await measureLoadTime(OnnxModel, model.bytes, sessionOptions);
    log(`${model.name}: OnnxModel.load takes ${rawLoadMs[model.name].toFixed(1)} ms`);
  }

  let stack;
  let baseline;
  const stopEverything = async () => {
    await baseline?.stop();
    for (const group of recordingGroups) await group.stopAll();
    await stopBatchStacks();
    await stack?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    console.error('\n[bench] interrupted: stopping the servers');
    stopEverything().finally(() => process.exit(130));
  });

  try {
    let apiKey;
    let endpointProblems = {};
    if (needsStack) {
      log('starting the Modelgate api and worker (fresh database and Redis prefix)');
      stack = await startStack({ env: stackEnv });
      ({ apiKey, endpointProblems } = await setUpModelgate(stack, models.filter((model) => stackModelNames.includes(model.name))));
    }
    const gatewayProblem = {};
    const bodyFilesOf = (model) => {
      const bodyFiles = {};
      for (const [kind, request] of Object.entries(model.requests)) {
        bodyFiles[kind] = path.join(scratch, `${model.name}-${kind}.body`);
        writeFileSync(bodyFiles[kind], request.body);
      }
      return bodyFiles;
    };
    const feedsOf = (model) => ({ [model.inputName]: { dtype: 'float32', shape: model.shape, data: model.data } });

    for (const model of runs('cells') ? measuredModels : []) {
      const modelFile = path.join(scratch, `${model.name}.onnx`);
      writeFileSync(modelFile, model.bytes);
      const bodyFiles = bodyFilesOf(model);
      results.models.push({
        name: model.name,
        description: model.description,
        input: { name: model.inputName, dtype: 'float32', shape: model.shape },
        requestBytes: Object.fromEntries(Object.entries(model.requests).map(([kind, request]) => [kind, request.body.length])),
        rawLoadMs: rawLoadMs[model.name],
      });

      const session = await OnnxModel.load(model.bytes, sessionOptions);
      const feeds = feedsOf(model);
      const expected = Array.from((await session.run(feeds))[model.outputName].data);

      baseline = await startBaseline(modelFile);
      const systems = httpSystems(model, { baselineUrl: baseline.url, apiUrl: stack.apiUrl, apiKey, bodyFiles });
      const unavailable = {};
      for (const system of systems) {
        const problem = endpointProblems[system.endpoint];
        if (problem) {
          unavailable[system.id] = problem;
          continue;
        }
        if (system.placement === 'gateway' && gatewayProblem[model.name] && system.id !== 'gateway') {
          unavailable[system.id] = gatewayProblem[model.name];
          continue;
        }
        const outcome = await probe(system, model, expected);
        if (outcome.reason) {
          unavailable[system.id] = outcome.reason;
          if (system.id === 'gateway') gatewayProblem[model.name] = outcome.reason;
        }
        log(`${model.name}: ${system.label}: ${outcome.reason ?? 'answers like session.run'}`);
      }
      if (unavailable.baseline) throw new Error(`the baseline server must answer: ${unavailable.baseline}`);

      for (const concurrency of settings.concurrency) {
        const sessionCell = await measureSessionLoop(session, feeds, { concurrency, durationSec: settings.durationSec, warmupSec: settings.warmupSec }, summarizeLatencies);
        results.cells.push({ model: model.name, system: 'session', concurrency, status: 'measured', ...sessionCell });
        log(`${model.name} c=${concurrency} ${SYSTEMS[0].label}: ${formatCell(results.cells.at(-1))}`);
        for (const system of systems) {
          if (unavailable[system.id]) {
            results.cells.push({ model: model.name, system: system.id, concurrency, status: 'unavailable', reason: unavailable[system.id] });
            continue;
          }
          const measured = await measureHttpCell({ url: system.url, headers: system.headers, bodyFile: system.bodyFile, concurrency }, scratch);
          results.cells.push({ model: model.name, system: system.id, concurrency, status: 'measured', route: system.route, ...measured });
          log(`${model.name} c=${concurrency} ${system.label}: ${formatCell(results.cells.at(-1))}`);
        }
      }
      await session.release();
      await baseline.stop();
      baseline = undefined;
    }

    if (runs('cold-starts')) {
      log('measuring cold starts');
      results.coldStarts = await measureColdStarts({ apiUrl: stack.apiUrl, apiKey, models: measuredModels, rawLoadMs, gatewayProblem });
      for (const cold of results.coldStarts) {
        log(`cold start ${cold.model} (${cold.placement}): ${cold.status === 'measured' ? `${cold.firstRequestMs.toFixed(1)} ms, load ${cold.rawLoadMs.toFixed(1)} ms` : `unavailable (${cold.reason})`}`);
      }
    }

    if (runs('recording')) {
      log(`recording cost: timing ${settings.recording.calls.toLocaleString('en-US')} record() calls in isolation (bench/record-cost.mjs)`);
      const recordCall = await measureRecordCall();
      log(`recording cost: record() ${recordCall.recordOn.nsPerCall.toFixed(0)} ns per call (recording off: ${recordCall.recordOff.nsPerCall.toFixed(1)} ns); one flush ${recordCall.flush.medianMicros.toFixed(0)} µs`);
      const model = models.find((candidate) => candidate.name === settings.recording.model);
      const session = await OnnxModel.load(model.bytes, sessionOptions);
      const expected = Array.from((await session.run(feedsOf(model)))[model.outputName].data);
      await session.release();
      const endToEnd = await measureRecordingEndToEnd({ stack, model, apiKey, endpointProblems, expected, bodyFiles: bodyFilesOf(model), scratch });
      results.recording = { endToEnd, recordCall };
      results.recording.summary = summarizeRecording(results);
      for (const line of describeRecording(results.recording.summary)) log(`recording cost: ${line}`);
    }

    if (runs('batch')) {
      log(`batch: ${settings.batch.rows.map((rows) => rows.toLocaleString('en-US')).join(' and ')} rows of ${settings.batch.model}, each through a fresh stack and through the limit`);
      results.batch = await measureBatch({
        model: models.find((candidate) => candidate.name === settings.batch.model),
        settings,
        scratch,
        stackEnv,
        startStack,
        runChild,
        api: { callApi, describeFailure },
        tolerance: ANSWER_TOLERANCE,
        log,
      });
      for (const line of describeBatch(results)) log(`batch: ${line}`);
    }
  } finally {
    await stopEverything();
  }

  results.otherLoad.busyShareAfter = await machineBusyShare();
  results.otherLoad.loadAverageAfter = os.loadavg();
  attachRatios(results.cells);
  results.finishedAt = new Date().toISOString();
  results.wallClockSec = (performance.now() - wallClockStarted) / 1000;
  results.targets = evaluateTargets(results);

  mkdirSync(resultsDirectory, { recursive: true });
  const resultsFile = path.join(resultsDirectory, `${results.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  const reportFile = writeReport(resultsFile);
  log(`results: ${path.relative(repoRoot, resultsFile)}; report: ${path.relative(repoRoot, reportFile)} (${Math.round(results.wallClockSec)} s)`);
  for (const target of results.targets) log(`target ${target.status.padEnd(11)} ${target.description}: ${target.measured}`);
}

await main().catch((error) => {
  console.error(`[bench] failed: ${error.stack ?? error}`);
  process.exit(1);
});
