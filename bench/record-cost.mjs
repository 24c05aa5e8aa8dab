// What one `LatencyRecorder.record()` call costs, in isolation: the built recorder
// (apps/api/dist/metrics/latency-recorder.js) in a process of its own, nothing else running in it.
//
//   node bench/record-cost.mjs [--calls 2000000] [--repetitions 5]
//
// Prints one JSON line. The harness (run.mjs) runs it after building the api; run it alone once
// the api is built.
//
// - record(): `calls` calls after a warm-up, over a handful of series (the same series object per
//   route, as the API passes them), with realistic samples: mostly 2xx, some 4xx / 5xx / time-outs /
//   shed, latencies spread log-uniformly over 0.05 ms … 30 s so every bucket gets used, a cold
//   start now and then. The samples are built beforehand and cycled, so what is timed is record()
//   plus the loop. Repeated `repetitions` times; the median is the figure. Timed in CPU time
//   (process.cpuUsage: user + system, every thread of this process, so garbage collection counts
//   and time the machine gave to other processes does not); wall-clock time is kept beside it.
// - the same loop against a recorder built with recording off: record() returns at once, so this is
//   the loop and the call, the floor the figure above includes.
// - as the call site pays it: the sample object built in the loop like inference.service.ts does
//   (`{ outcome: '2xx', latencyMs: performance.now() - receivedAt, ...timings }`), recording on and
//   off (the object is built either way).
// - minor garbage collections during each timed loop, as a check for allocation per call.
// - one flush: drain() plus building the rollup upsert's parameters with @modelgate/db's real
//   addLatencyRollups, given a stand-in database that only receives the SQL and its JSON payload.
import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from '../scripts/lib/pnpm.mjs';

const recorderModule = path.join(repoRoot, 'apps/api/dist/metrics/latency-recorder.js');

const OUTCOMES = [
  ['2xx', 0.96],
  ['4xx', 0.02],
  ['5xx', 0.01],
  ['timeout', 0.005],
  ['shed', 0.005],
];

/** A deterministic generator, so every run times the same samples. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeSeries(count) {
  const placements = ['gateway', 'worker'];
  return Array.from({ length: count }, (_, index) => ({
    endpointId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    endpoint: `endpoint-${index}`,
    versionId: `10000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    model: `model-${index}`,
    version: 1 + (index % 3),
    placement: placements[index % placements.length],
    traffic: index % 4 === 3 ? 'shadow' : 'live',
  }));
}

/** Samples as the API records them: timings for 2xx only. Latencies log-uniform over 0.05 ms … 30 s. */
function makeSamples(count, random) {
  const samples = [];
  const timings = [];
  for (let index = 0; index < count; index++) {
    let pick = random();
    let outcome = OUTCOMES[0][0];
    for (const [candidate, share] of OUTCOMES) {
      if (pick < share) {
        outcome = candidate;
        break;
      }
      pick -= share;
    }
    const latencyMs = 0.05 * Math.exp(random() * Math.log(30_000 / 0.05));
    const timing = {
      queueMs: latencyMs * random() * 0.3,
      inferenceMs: latencyMs * (0.2 + random() * 0.5),
      coldStart: random() < 0.001,
      batchSize: 1 + Math.floor(random() * 32),
    };
    timings.push({ latencyMs, timing });
    samples.push(outcome === '2xx' ? { outcome, latencyMs, ...timing } : { outcome });
  }
  return { samples, timings };
}

function median(values) {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Counts minor GCs (scavenges) between start() and stop(). */
function gcCounter() {
  let minor = 0;
  let counting = false;
  const observer = new PerformanceObserver((list) => {
    if (!counting) return;
    for (const entry of list.getEntries()) if (entry.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) minor++;
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    start() {
      minor = 0;
      counting = true;
    },
    // GC entries arrive asynchronously: let them in before reading the count.
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 20));
      counting = false;
      return minor;
    },
    close: () => observer.disconnect(),
  };
}

export async function measureRecordCost({ calls = 2_000_000, repetitions = 5, seriesCount = 6, warmupCalls = 300_000 } = {}) {
  const { LatencyRecorder } = await import(pathToFileURL(recorderModule).href);
  const { addLatencyRollups } = await import('@modelgate/db');
  const random = mulberry32(20261129);
  const series = makeSeries(seriesCount);
  const SAMPLE_COUNT = 4096; // a power of two: index with a mask
  const mask = SAMPLE_COUNT - 1;
  const { samples, timings } = makeSamples(SAMPLE_COUNT, random);
  const seriesOf = Array.from({ length: SAMPLE_COUNT }, () => series[Math.floor(random() * seriesCount)]);
  const gc = gcCounter();

  // record() with the samples built beforehand.
  const prebuilt = (recorder, count) => {
    for (let index = 0; index < count; index++) recorder.record(seriesOf[index & mask], samples[index & mask]);
  };
  // As inference.service.ts calls it: the sample object is built per request, with one
  // performance.now(). `receivedAt` is set so the latency comes out as the sample's (plus the
  // microseconds since the last refresh of `clock`).
  const callSite = (recorder, count) => {
    let clock = performance.now();
    for (let index = 0; index < count; index++) {
      if ((index & mask) === 0) clock = performance.now();
      const { latencyMs, timing } = timings[index & mask];
      const receivedAt = clock - latencyMs;
      recorder.record(seriesOf[index & mask], { outcome: '2xx', latencyMs: performance.now() - receivedAt, ...timing });
    }
  };

  const variants = [
    { id: 'recordOn', loop: prebuilt, enabled: true },
    { id: 'recordOff', loop: prebuilt, enabled: false },
    { id: 'callSiteOn', loop: callSite, enabled: true },
    { id: 'callSiteOff', loop: callSite, enabled: false },
  ];
  const figures = {};
  for (const variant of variants) {
    const recorder = new LatencyRecorder(variant.enabled);
    variant.loop(recorder, warmupCalls);
    recorder.drain();
    const nsPerCall = [];
    const wallNsPerCall = [];
    const minorGcs = [];
    for (let repetition = 0; repetition < repetitions; repetition++) {
      gc.start();
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      variant.loop(recorder, calls);
      const elapsedNs = Number(process.hrtime.bigint() - started);
      const cpu = process.cpuUsage(cpuBefore);
      minorGcs.push(await gc.stop());
      nsPerCall.push(((cpu.user + cpu.system) * 1000) / calls);
      wallNsPerCall.push(elapsedNs / calls);
      // What the rollup writer would do every few seconds; keeps the pending maps as small as in the API.
      recorder.drain();
    }
    figures[variant.id] = {
      nsPerCall: median(nsPerCall),
      minNsPerCall: Math.min(...nsPerCall),
      maxNsPerCall: Math.max(...nsPerCall),
      samplesNsPerCall: nsPerCall,
      wallNsPerCall: median(wallNsPerCall),
      minorGcs,
    };
  }
  gc.close();

  // One flush: drain() and the upsert's parameters (rows, sorted, as JSON), every series pending
  // (two minutes' rows each now and then, as at a minute boundary).
  let now = Date.UTC(2026, 0, 1);
  const recorder = new LatencyRecorder(true, () => now);
  const fakeDb = {
    payloadBytes: 0,
    async $executeRawUnsafe(sql, json) {
      this.payloadBytes = sql.length + json.length;
      return 0;
    },
  };
  const FLUSHES = 2000;
  const flushMicros = [];
  let rows = 0;
  for (let flush = 0; flush < FLUSHES + 200; flush++) {
    // Traffic on every series (a flush's work depends on series × minutes pending, not on how many
    // requests they counted); every 12th flush crosses a minute boundary (two rows per series).
    for (let index = 0; index < 64; index++) {
      if (index === 32 && flush % 12 === 0) now += 60_000;
      recorder.record(series[index % seriesCount], samples[(flush * 64 + index) & mask]);
    }
    const started = process.hrtime.bigint();
    const deltas = recorder.drain();
    await addLatencyRollups(fakeDb, deltas);
    // Wall-clock: a flush is too short for the CPU-time counters (microsecond resolution).
    const elapsedMicros = Number(process.hrtime.bigint() - started) / 1000;
    if (flush >= 200) {
      flushMicros.push(elapsedMicros);
      rows = Math.max(rows, deltas.length);
    }
  }

  return {
    calls,
    repetitions,
    warmupCalls,
    series: seriesCount,
    distinctSamples: SAMPLE_COUNT,
    outcomes: Object.fromEntries(OUTCOMES),
    latencyRangeMs: [0.05, 30_000],
    node: process.version,
    ...figures,
    flush: { medianMicros: median(flushMicros), p99Micros: [...flushMicros].sort((left, right) => left - right)[Math.ceil(0.99 * flushMicros.length) - 1], rows, seriesPending: seriesCount, payloadBytes: fakeDb.payloadBytes, flushes: FLUSHES },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000000' }, repetitions: { type: 'string', default: '5' } } });
  const result = await measureRecordCost({ calls: Number(values.calls), repetitions: Number(values.repetitions) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
