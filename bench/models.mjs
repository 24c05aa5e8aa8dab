// The three benchmark models and every request body the harness sends them. Each model has one
// fixed input, so every system answers exactly the same question and the answers can be compared.
import { readFileSync } from 'node:fs';
import { buildGemmModel, loadReferenceModel } from '@modelgate/runtime/testing';

/**
 * A tiny Gemm measures per-request overhead (its inference is microseconds); the OCR direction
 * classifier is a real CNN with a symbolic batch dimension, so micro-batching can pay; ShuffleNet
 * has a fixed batch of 1 and a 150,528-number input, so decoding the request dominates.
 */
const MODEL_DEFINITIONS = [
  {
    name: 'tiny-gemm',
    description: 'Gemm 8 → 4 built by `buildGemmModel` (per-request overhead: its inference takes microseconds)',
    load() {
      const inFeatures = 8;
      const bytes = buildGemmModel({ inFeatures, outFeatures: 4 });
      const data = Float32Array.from({ length: inFeatures }, (_, index) => (index - 3.5) / 4);
      return { bytes, inputName: 'x', outputName: 'y', shape: [1, inFeatures], data };
    },
  },
  {
    name: 'ocr-text-direction',
    description: 'PaddleOCR text-direction CNN, input float32[1,3,48,192] from its reference.json (batchable: shows the micro-batching gain)',
    load() {
      return referenceModelInput('ocr-text-direction', 'softmax_0.tmp_0');
    },
  },
  {
    name: 'shufflenet-v2-int8',
    description: 'ShuffleNet v2 int8, input float32[1,3,224,224] from its reference.json (fixed batch 1; a 2.8 MB JSON request: JSON against binary tensors)',
    binaryBodies: true,
    load() {
      return referenceModelInput('shufflenet-v2-int8', 'output');
    },
  },
];

export const MODEL_NAMES = MODEL_DEFINITIONS.map((definition) => definition.name);

function referenceModelInput(name, outputName) {
  const reference = loadReferenceModel(name);
  const [inputName, tensor] = Object.entries(reference.reference.cases[0].inputs)[0];
  if (tensor.dtype !== 'float32') throw new Error(`${name}: the benchmark sends float32 inputs, the reference case has ${tensor.dtype}`);
  return {
    bytes: new Uint8Array(readFileSync(reference.path)),
    inputName,
    outputName,
    shape: tensor.shape,
    data: Float32Array.from(tensor.data),
  };
}

/** Nested arrays in row-major order, as a person writes a tensor in JSON. */
export function nestedArray(data, shape) {
  let offset = 0;
  const build = (axis) => {
    const out = new Array(shape[axis]);
    for (let index = 0; index < shape[axis]; index++) out[index] = axis === shape.length - 1 ? data[offset++] : build(axis + 1);
    return out;
  };
  return build(0);
}

/** Raw float32 bytes, little-endian whatever the host's byte order. */
function littleEndianFloat32(data) {
  const bytes = Buffer.alloc(data.length * 4);
  for (let index = 0; index < data.length; index++) bytes.writeFloatLE(data[index], index * 4);
  return bytes;
}

/**
 * The Open Inference Protocol's binary tensor data extension: a JSON header whose length is in
 * `Inference-Header-Content-Length`, then the tensor bytes; the output is asked for as bytes too.
 */
function openInferenceBinaryRequest({ inputName, outputName, shape, data }) {
  const tensorBytes = littleEndianFloat32(data);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: inputName, shape, datatype: 'FP32', parameters: { binary_data_size: tensorBytes.length } }],
      outputs: [{ name: outputName, parameters: { binary_data: true } }],
    }),
  );
  return {
    body: Buffer.concat([header, tensorBytes]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
}

/**
 * Loads the chosen models with their request bodies:
 * - `json`: `{"inputs": {name: nested array}}`, sent to the baseline and to `/v1/…/predict`;
 * - `binary` (ShuffleNet): raw float32 bytes for `/v1/…/predict` as application/octet-stream;
 * - `openInferenceBinary` (ShuffleNet): the `/v2/models/{e}/infer` binary extension.
 */
export function loadBenchModels(names = MODEL_NAMES) {
  const unknown = names.filter((name) => !MODEL_NAMES.includes(name));
  if (unknown.length) throw new Error(`unknown benchmark model ${unknown.join(', ')}; the models are ${MODEL_NAMES.join(', ')}`);
  return MODEL_DEFINITIONS.filter((definition) => names.includes(definition.name)).map((definition) => {
    const loaded = definition.load();
    const json = Buffer.from(JSON.stringify({ inputs: { [loaded.inputName]: nestedArray(loaded.data, loaded.shape) } }));
    const requests = {
      json: { body: json, headers: { 'content-type': 'application/json' } },
    };
    if (definition.binaryBodies) {
      requests.binary = {
        body: littleEndianFloat32(loaded.data),
        headers: { 'content-type': 'application/octet-stream', 'x-modelgate-shape': loaded.shape.join(',') },
      };
      requests.openInferenceBinary = openInferenceBinaryRequest(loaded);
    }
    return {
      name: definition.name,
      description: definition.description,
      ...loaded,
      requests,
    };
  });
}
