// System (b) of the benchmark: what a developer would write instead of Modelgate. One Fastify
// route, one onnxruntime session, JSON in (`{"inputs": {name: nested array}}`) and JSON out.
// Fastify's built-in JSON body parser is JSON.parse plus a prototype-poisoning check, which is
// what such a server gets without thinking about it. The flattening is written with some care
// (one walk into a preallocated Float32Array): the baseline should be a competent one.
//
//   node bench/baseline-server.mjs --model path/to/model.onnx [--port 0] [--intra-op-threads 1] [--inter-op-threads 1]
//
// Prints one JSON line `{"port": N}` on stdout once it listens.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import ort from 'onnxruntime-node';

const { values: options } = parseArgs({
  options: {
    model: { type: 'string' },
    port: { type: 'string', default: '0' },
    'intra-op-threads': { type: 'string', default: '1' },
    'inter-op-threads': { type: 'string', default: '1' },
  },
});
if (!options.model) throw new Error('--model <path to model.onnx> is required');

const session = await ort.InferenceSession.create(readFileSync(options.model), {
  intraOpNumThreads: Number(options['intra-op-threads']),
  interOpNumThreads: Number(options['inter-op-threads']),
  executionMode: 'sequential',
  logSeverityLevel: 3,
});

function shapeOf(value) {
  const shape = [];
  for (let level = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  return shape;
}

function flattenInto(value, target, offset) {
  if (!Array.isArray(value)) {
    target[offset] = value;
    return offset + 1;
  }
  for (const item of value) offset = flattenInto(item, target, offset);
  return offset;
}

function nest(data, dims) {
  let offset = 0;
  const build = (axis) => {
    const out = new Array(dims[axis]);
    for (let index = 0; index < dims[axis]; index++) out[index] = axis === dims.length - 1 ? data[offset++] : build(axis + 1);
    return out;
  };
  return dims.length === 0 ? data[0] : build(0);
}

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });

app.post('/predict', async (request, reply) => {
  const inputs = request.body?.inputs;
  if (!inputs || typeof inputs !== 'object') return reply.code(400).send({ error: 'expected {"inputs": {name: nested array}}' });
  const feeds = {};
  for (const name of session.inputNames) {
    const value = inputs[name];
    if (!Array.isArray(value)) return reply.code(400).send({ error: `missing input "${name}"` });
    const shape = shapeOf(value);
    const data = new Float32Array(shape.reduce((product, dim) => product * dim, 1));
    if (flattenInto(value, data, 0) !== data.length) return reply.code(400).send({ error: `input "${name}" is not a rectangular array` });
    feeds[name] = new ort.Tensor('float32', data, shape);
  }
  const results = await session.run(feeds);
  const outputs = {};
  for (const [name, tensor] of Object.entries(results)) outputs[name] = nest(tensor.data, tensor.dims);
  return { outputs };
});

app.get('/health', async () => ({ ok: true }));

await app.listen({ host: '127.0.0.1', port: Number(options.port) });
process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    app.close().then(() => session.release()).finally(() => process.exit(0));
  });
}
