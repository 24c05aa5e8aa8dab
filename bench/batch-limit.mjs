// The limit of the batch-file benchmark, in a process of its own so its memory is measured alone:
// what a developer would write without Modelgate. It streams the CSV with csv-parse (the same
// package and dialect the worker reads chunks with), runs `OnnxModel` on batches of the same size
// as the system's model runs, and writes the same file the system's results download is
// (`row,line,model,version,<output>,error`, the output as a JSON array). Prints one JSON line:
// rows, seconds, rows/s, the time spent inside onnxruntime, CPU time and peak RSS (VmHWM).
//
//   node bench/batch-limit.mjs --csv rows.csv --out results.csv --model model.onnx \
//     --input x --output y --rows-per-run 64 --model-name tiny-gemm --version 1
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { OnnxModel } from '@modelgate/runtime';
import { repoRoot } from '../scripts/lib/pnpm.mjs';

// csv-parse is the worker's dependency, not the harness's: resolved from there, it is the very
// version the system parses with.
const { parse } = createRequire(path.join(repoRoot, 'apps/worker/package.json'))('csv-parse');

const { values: flags } = parseArgs({
  options: {
    csv: { type: 'string' },
    out: { type: 'string' },
    model: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    'rows-per-run': { type: 'string' },
    'model-name': { type: 'string' },
    version: { type: 'string' },
    'intra-op-threads': { type: 'string', default: '1' },
    'inter-op-threads': { type: 'string', default: '1' },
  },
});
for (const required of ['csv', 'out', 'model', 'input', 'output', 'rows-per-run', 'model-name', 'version']) {
  if (flags[required] === undefined) {
    console.error(`--${required} is required`);
    process.exit(2);
  }
}
const rowsPerRun = Number(flags['rows-per-run']);

/** The CSV dialect of packages/contracts BATCH_CSV_DIALECT (the API and the worker read with it). */
const CSV_DIALECT = { delimiter: ',', quote: '"', escape: '"', record_delimiter: ['\r\n', '\n'], bom: true, skip_empty_lines: true, relax_column_count: true };

function peakRssBytes() {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

const model = await OnnxModel.load(new Uint8Array(readFileSync(flags.model)), {
  intraOpNumThreads: Number(flags['intra-op-threads']),
  interOpNumThreads: Number(flags['inter-op-threads']),
  executionMode: 'sequential',
});
const cpuBefore = process.cpuUsage();
const started = performance.now();

const parser = createReadStream(flags.csv).pipe(parse(CSV_DIALECT));
const out = createWriteStream(flags.out);
const prefix = `,${flags['model-name']},${flags.version},`;
let header;
let features = 0;
let batch;
let batchRows = 0;
let rows = 0;
let inferenceMs = 0;

async function write(text) {
  if (!out.write(text)) await once(out, 'drain');
}

/** One model run over the rows gathered, then their lines of the results file. */
async function flush() {
  if (batchRows === 0) return;
  const runStarted = performance.now();
  const result = await model.run({ [flags.input]: { dtype: 'float32', shape: [batchRows, features], data: batch.subarray(0, batchRows * features) } });
  inferenceMs += performance.now() - runStarted;
  const { data, shape } = result[flags.output];
  const width = shape[1];
  let text = '';
  for (let index = 0; index < batchRows; index++) {
    const row = rows - batchRows + index;
    // As PostgreSQL prints a jsonb array (`[a, b]`), quoted for CSV because of the commas.
    text += `${row},${row + 2}${prefix}"[${Array.from(data.subarray(index * width, (index + 1) * width)).join(', ')}]",\n`;
  }
  batchRows = 0;
  await write(text);
}

for await (const record of parser) {
  if (!header) {
    header = record;
    features = header.length;
    batch = new Float32Array(rowsPerRun * features);
    await write(`row,line,model,version,${flags.output},error\n`);
    continue;
  }
  for (let column = 0; column < features; column++) batch[batchRows * features + column] = Number(record[column]);
  batchRows += 1;
  rows += 1;
  if (batchRows === rowsPerRun) await flush();
}
await flush();
out.end();
await finished(out);

const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await model.release();
console.log(
  JSON.stringify({
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    inferenceSeconds: inferenceMs / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: peakRssBytes(),
    rowsPerRun,
  }),
);
