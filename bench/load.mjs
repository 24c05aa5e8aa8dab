// The load generator, run as its own process so its CPU use is never counted inside the process
// being measured. A closed loop: autocannon keeps `connections` requests in flight, each
// connection sending its next request when the previous answer arrives.
//
//   node bench/load.mjs <cell.json>
//   cell.json: {url, method, headers, bodyFile, connections, durationSec, warmupSec, timeoutSec, cpuOfPid?}
//
// One uninterrupted run: the warm-up lasts `warmupSec` and at least until as many answers as
// connections have arrived (so the loop is full: at c=64 on a 2.8 MB request the first answers
// take seconds), then `durationSec` are measured. Answers outside that window are dropped.
// Latencies come from autocannon's per-response event rather than its histogram, which records
// whole milliseconds and so cannot tell 0.3 ms from 0.9 ms on the tiny model.
//
// With `cpuOfPid` (Linux), the CPU time that process spent during the measured window is read
// from /proc (schedstat: nanoseconds on the CPU, per thread), all threads and its main thread.
//
// Prints one JSON line with the measured window's figures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/** mean, p50, p99 and max of latencies in ms (nearest-rank percentiles); null when there are none. */
export function summarizeLatencies(latencies) {
  if (latencies.length === 0) return null;
  const sorted = Float64Array.from(latencies).sort();
  const rank = (percentile) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1))];
  let sum = 0;
  for (const value of sorted) sum += value;
  return { mean: sum / sorted.length, p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1] };
}

/** Nanoseconds a process has spent on a CPU: all its threads, and its main thread; undefined off Linux. */
export function processCpuNs(pid) {
  const taskDirectory = `/proc/${pid}/task`;
  if (!existsSync(taskDirectory)) return undefined;
  const threadNs = (task) => {
    try {
      return Number(readFileSync(`${taskDirectory}/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return 0; // the thread ended between listing and reading
    }
  };
  let allThreads = 0;
  for (const task of readdirSync(taskDirectory)) allThreads += threadNs(task);
  return { allThreads, mainThread: threadNs(String(pid)) };
}

/** A warm-up that has not filled the loop by then is cut short: the window starts anyway. */
const MAX_WARMUP_SEC = 60;

async function measureCell(cell) {
  const latencies = [];
  const statusCodes = {};
  let non2xx = 0;
  let errors = 0;
  let warmupAnswers = 0;
  let measuredFrom = Infinity;
  let measuredUntil = Infinity;
  let instance;
  let cpuAtStart;
  let cpuAtEnd;
  const timers = [];

  const startWindow = () => {
    if (measuredFrom !== Infinity) return;
    if (cell.cpuOfPid) cpuAtStart = processCpuNs(cell.cpuOfPid);
    measuredFrom = performance.now();
    measuredUntil = measuredFrom + cell.durationSec * 1000;
    timers.push(
      setTimeout(() => {
        if (cell.cpuOfPid) cpuAtEnd = processCpuNs(cell.cpuOfPid);
        instance.stop();
      }, cell.durationSec * 1000),
    );
  };

  const result = await new Promise((resolve, reject) => {
    const startedAt = performance.now();
    instance = autocannon(
      {
        url: cell.url,
        method: cell.method ?? 'POST',
        headers: cell.headers ?? {},
        body: cell.bodyFile ? readFileSync(cell.bodyFile) : undefined,
        connections: cell.connections,
        pipelining: 1,
        timeout: cell.timeoutSec ?? 30,
        // A ceiling only: the window's own timer stops the run. autocannon checks for a stop
        // every sample interval, so a short one ends the run soon after the window.
        duration: MAX_WARMUP_SEC + cell.durationSec + 5,
        sampleInt: 100,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    if (cell.warmupSec === 0) startWindow();
    timers.push(
      setTimeout(() => {
        if (warmupAnswers >= cell.connections) startWindow();
      }, cell.warmupSec * 1000),
      setTimeout(startWindow, MAX_WARMUP_SEC * 1000),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const now = performance.now();
      if (now < measuredFrom) {
        warmupAnswers++;
        if (warmupAnswers >= cell.connections && now - startedAt >= cell.warmupSec * 1000) startWindow();
        return;
      }
      if (now > measuredUntil) return;
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx++;
    });
    instance.on('reqError', () => {
      const now = performance.now();
      if (now >= measuredFrom && now <= measuredUntil) errors++;
    });
  });
  for (const timer of timers) clearTimeout(timer);
  const measuredSec = (Math.min(performance.now(), measuredUntil) - measuredFrom) / 1000;
  const answers = latencies.length + non2xx;
  const serverCpu =
    cpuAtStart && cpuAtEnd
      ? {
          pid: cell.cpuOfPid,
          allThreadsMs: (cpuAtEnd.allThreads - cpuAtStart.allThreads) / 1e6,
          mainThreadMs: (cpuAtEnd.mainThread - cpuAtStart.mainThread) / 1e6,
          allThreadsMicrosPerAnswer: answers ? (cpuAtEnd.allThreads - cpuAtStart.allThreads) / 1000 / answers : null,
          mainThreadMicrosPerAnswer: answers ? (cpuAtEnd.mainThread - cpuAtStart.mainThread) / 1000 / answers : null,
        }
      : undefined;

  return {
    durationSec: measuredSec,
    warmupAnswers,
    requests: latencies.length,
    throughput: latencies.length / measuredSec,
    latencyMs: summarizeLatencies(latencies),
    non2xx,
    errors,
    // autocannon counts time-outs over the whole run, warm-up included.
    timeoutsWholeRun: result.timeouts,
    statusCodes,
    ...(serverCpu ? { serverCpu } : {}),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cell = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const measured = await measureCell(cell);
  process.stdout.write(`${JSON.stringify(measured)}\n`);
}
