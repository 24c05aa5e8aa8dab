import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../onnx-model.js';
import { argmax, differenceFromReference, hostTensorFromReference, loadReferenceModel } from '../testing/index.js';
import { tensorToBinary } from './binary-tensor.js';
import type { HostTensor } from './host-tensor.js';
import { tensorToJson } from './json-codec.js';
import { buildInferenceBody, decodeOipInputs, splitInferenceBody, tensorToOip } from './oip-codec.js';
import { parseShapeHeader, tensorFromRawBytes } from './raw-tensor-body.js';

/** Outputs as bytes, so "the same answer" means bit for bit, NaN payloads and signed zeros included. */
function outputBytes(outputs: Record<string, HostTensor>): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [name, Buffer.from(tensorToBinary(tensor)).toString('base64')]));
}

/** A binary request whose header is padded with JSON whitespace so the tensor bytes start at `offset mod 4`. */
function binaryRequestAt(name: string, tensor: HostTensor, misalignment: number) {
  const { output, chunk } = tensorToOip(name, tensor, { binary: true });
  const header = { inputs: [output] };
  const text = JSON.stringify(header);
  const padding = (misalignment - (Buffer.byteLength(text) % 4) + 4) % 4;
  const padded = `${text}${' '.repeat(padding)}`;
  const body = Buffer.concat([Buffer.from(padded), chunk!]);
  return { body, headerLength: Buffer.byteLength(padded) };
}

describe('binary tensors on shufflenet-v2-int8 (1×3×224×224 float32)', () => {
  const reference = loadReferenceModel('shufflenet-v2-int8');
  const testCase = reference.reference.cases[0]!;
  const input = testCase.inputs.input!;
  let model: OnnxModel;
  beforeAll(async () => {
    model = await OnnxModel.load(reference.path);
  });
  afterAll(async () => {
    await model.release();
  });

  it('gives byte-identical outputs from a JSON request, binary requests (aligned and not) and a raw body', async () => {
    const { signature } = model;
    const jsonBody = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: input.shape, datatype: 'FP32', data: input.data }] }));
    const fromJson = decodeOipInputs(signature, splitInferenceBody(jsonBody, undefined).header);
    const viaJson = await model.run(fromJson);
    // onnxruntime's int8 kernels on AVX-512 VNNI miss the zoo's logits (fixtures/models/README.md): the top-1 class still agrees.
    expect(argmax(viaJson.output!)).toBe(argmax(hostTensorFromReference('output', testCase.outputs!.output!)));

    for (const misalignment of [0, 1, 2]) {
      const { body, headerLength } = binaryRequestAt('input', fromJson.input!, misalignment);
      const { header, binary } = splitInferenceBody(body, headerLength);
      const fromBinary = decodeOipInputs(signature, header, binary);
      // Aligned bytes are used in place: onnxruntime reads them straight out of the request body.
      expect((fromBinary.input!.data as Float32Array).buffer === body.buffer).toBe(misalignment === 0);
      expect(outputBytes(await model.run(fromBinary))).toEqual(outputBytes(viaJson));
    }

    const raw = Buffer.from(tensorToBinary(fromJson.input!));
    expect(raw.byteLength).toBe(602_112);
    const fromRaw = tensorFromRawBytes(signature.inputs[0]!, raw, undefined);
    expect(outputBytes(await model.run({ input: fromRaw }))).toEqual(outputBytes(viaJson));
  });

  it('returns outputs as binary data that decode to the same tensor as the JSON outputs', async () => {
    const outputs = await model.run({ input: hostTensorFromReference('input', input) });
    const json = tensorToOip('output', outputs.output!, { binary: false });
    const binary = tensorToOip('output', outputs.output!, { binary: true });
    const { body, headerLength } = buildInferenceBody({ model_name: 'shufflenet', outputs: [binary.output] }, [binary.chunk!]);
    const { header, binary: bytes } = splitInferenceBody(body, headerLength);
    expect(header).toEqual({ model_name: 'shufflenet', outputs: [{ name: 'output', shape: [1, 1000], datatype: 'FP32', parameters: { binary_data_size: 4000 } }] });
    expect(Buffer.compare(bytes, Buffer.from(tensorToBinary(outputs.output!)))).toBe(0);
    expect(json.output.data).toEqual([...(outputs.output!.data as Float32Array)]);
  });
});

describe('binary tensors on ocr-text-direction (float32 [N,3,H,W])', () => {
  const reference = loadReferenceModel('ocr-text-direction');
  let model: OnnxModel;
  beforeAll(async () => {
    model = await OnnxModel.load(reference.path);
  });
  afterAll(async () => {
    await model.release();
  });

  it('gives byte-identical outputs from nested JSON, binary and raw bodies with X-Modelgate-Shape, on every reference case', async () => {
    const { signature } = model;
    for (const testCase of reference.reference.cases) {
      const x = hostTensorFromReference('x', testCase.inputs.x!);
      const nested = { inputs: [{ name: 'x', shape: x.shape, datatype: 'FP32', data: JSON.parse(JSON.stringify(tensorToJson(x))) as unknown }] };
      const viaJson = await model.run(decodeOipInputs(signature, nested));
      expect(differenceFromReference(viaJson['softmax_0.tmp_0']!, testCase.outputs!['softmax_0.tmp_0']!, reference.reference.tolerance)).toBeUndefined();

      const { body, headerLength } = binaryRequestAt('x', x, 0);
      const { header, binary } = splitInferenceBody(body, headerLength);
      expect(outputBytes(await model.run(decodeOipInputs(signature, header, binary)))).toEqual(outputBytes(viaJson));

      const raw = Buffer.from(tensorToBinary(x));
      const fromRaw = tensorFromRawBytes(signature.inputs[0]!, raw, parseShapeHeader(x.shape.join(',')));
      expect(outputBytes(await model.run({ x: fromRaw }))).toEqual(outputBytes(viaJson));
    }
  });
});
