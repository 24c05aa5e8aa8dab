import { loadReferenceModel } from '@modelgate/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileForm, modelForm } from '../test-support/http.js';
import { buildSpecExampleModel, oipSchemaErrors } from '../test-support/open-inference-spec.js';
import { bearer, startTestStack, type TestStack } from '../test-support/test-stack.js';

/**
 * The binary tensor data extension (Triton's `binary_tensor_data`, advertised by GET /v2): a body
 * is a JSON header of Inference-Header-Content-Length bytes, then the raw bytes of every tensor
 * whose parameters carry `binary_data_size`, in the header's order.
 */

const BODY_LIMIT_BYTES = 4 * 1024 ** 2;
const OCR = loadReferenceModel('ocr-text-direction');
const OCR_OUTPUT = 'softmax_0.tmp_0';

let stack: TestStack;

interface Answer {
  status: number;
  headers: Headers;
  /** The JSON body, or the JSON header of a binary one. */
  body: any;
  /** What follows the header (empty for a JSON answer). */
  binary: Buffer;
}

async function readAnswer(response: Response): Promise<Answer> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const headerLength = response.headers.get('inference-header-content-length');
  const length = headerLength === null ? bytes.length : Number(headerLength);
  return { status: response.status, headers: response.headers, body: JSON.parse(bytes.toString('utf8', 0, length)), binary: bytes.subarray(length) };
}

const send = async (path: string, body: Uint8Array | string, headers: Record<string, string>) =>
  readAnswer(await fetch(new URL(path, stack.apiUrl), { method: 'POST', headers: { ...bearer(stack.adminToken), ...headers }, body }));

const postJson = (path: string, request: unknown) => send(path, JSON.stringify(request), { 'content-type': 'application/json' });

/** As Triton's client sends it: the JSON header, then the tensors' bytes. */
function postBinary(path: string, header: unknown, chunks: Uint8Array[], headers: Record<string, string> = {}) {
  const json = Buffer.from(JSON.stringify(header));
  return send(path, Buffer.concat([json, ...chunks]), {
    'content-type': 'application/octet-stream',
    'inference-header-content-length': String(json.byteLength),
    ...headers,
  });
}

const bytesOf = (values: ArrayBufferView) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
const float32sOf = (bytes: Uint8Array) => Array.from(new Float32Array(Uint8Array.from(bytes).buffer));

/** The extension's one departure from the schema: a binary output has no `data`, its bytes follow the header. */
const asTheSchemaSeesIt = (header: any) => ({ ...header, outputs: header.outputs.map((output: object) => ({ data: [], ...output })) });

function ocrRequest(testCase: (typeof OCR.reference.cases)[number]) {
  const x = testCase.inputs.x!;
  return { shape: x.shape, values: Float32Array.from(x.data as number[]) };
}

beforeAll(async () => {
  stack = await startTestStack({ MODELGATE_MAX_BODY_BYTES: String(BODY_LIMIT_BYTES) });
  const deploy = async (endpoint: string, model: string, form: FormData) => {
    expect((await stack.api('POST', `/v1/models/${model}/versions`, form)).status).toBe(201);
    expect((await stack.api('POST', '/v1/endpoints', { name: endpoint })).status).toBe(201);
    expect((await stack.api('POST', `/v1/endpoints/${endpoint}/promote`, { model, version: 1, expectedRevision: 0 })).status).toBe(200);
  };
  await deploy('ocr', 'ocr-text-direction', await fileForm(OCR.path));
  await deploy('mymodel', 'spec-example', modelForm(buildSpecExampleModel()));
});

afterAll(async () => {
  await stack?.stop();
});

describe('binary tensor data', () => {
  it('gives the same outputs for binary input tensors as for JSON ones, and the reference answers', async () => {
    const { tolerance = { rtol: 0, atol: 0 }, cases } = OCR.reference;
    expect(cases.length).toBeGreaterThan(0);
    for (const testCase of cases) {
      const { shape, values } = ocrRequest(testCase);
      const json = await postJson('/v2/models/ocr/infer', { inputs: [{ name: 'x', shape, datatype: 'FP32', data: Array.from(values) }] });
      const binary = await postBinary('/v2/models/ocr/infer', { inputs: [{ name: 'x', shape, datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }] }, [
        bytesOf(values),
      ]);
      expect(json.status).toBe(200);
      expect(binary.status).toBe(200);
      expect(oipSchemaErrors('inference_response', json.body)).toEqual([]);
      expect(oipSchemaErrors('inference_response', binary.body)).toEqual([]);
      expect(binary.body.outputs).toEqual(json.body.outputs);

      const expected = testCase.outputs![OCR_OUTPUT]!;
      expect(json.body.outputs[0]).toMatchObject({ name: OCR_OUTPUT, shape: expected.shape, datatype: 'FP32' });
      json.body.outputs[0].data.forEach((value: number, index: number) => {
        const want = expected.data[index] as number;
        expect(Math.abs(value - want)).toBeLessThanOrEqual(tolerance.atol + tolerance.rtol * Math.abs(want));
      });
    }
  });

  it('returns every output as bytes with binary_data_output, exactly the values JSON gives', async () => {
    const { shape, values } = ocrRequest(OCR.reference.cases[0]!);
    const inputs = [{ name: 'x', shape, datatype: 'FP32', data: Array.from(values) }];
    const json = await postJson('/v2/models/ocr/infer', { inputs });
    const binary = await postJson('/v2/models/ocr/infer', { id: 'bin-1', inputs, parameters: { binary_data_output: true } });
    expect(binary.status).toBe(200);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect(binary.body).toEqual({
      model_name: 'ocr',
      model_version: '1',
      id: 'bin-1',
      outputs: [{ name: OCR_OUTPUT, shape: [1, 2], datatype: 'FP32', parameters: { binary_data_size: 8 } }],
    });
    expect(oipSchemaErrors('inference_response', asTheSchemaSeesIt(binary.body))).toEqual([]);
    expect(binary.binary.byteLength).toBe(8);
    expect(float32sOf(binary.binary)).toEqual(json.body.outputs[0].data);
    expect(binary.headers.get('x-modelgate-model')).toBe('ocr-text-direction');
  });

  it('takes and returns binary and JSON tensors side by side (the spec example, the extension way)', async () => {
    const input0 = Uint32Array.from([1, 2, 3, 4]);
    const input1 = Uint8Array.from([1, 0, 1]);
    const res = await postBinary(
      '/v2/models/mymodel/versions/1/infer',
      {
        id: '42',
        inputs: [
          { name: 'input0', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: input0.byteLength } },
          { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: input1.byteLength } },
        ],
        outputs: [{ name: 'output0', parameters: { binary_data: true } }, { name: 'output1' }],
      },
      [bytesOf(input0), input1],
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      model_name: 'mymodel',
      model_version: '1',
      id: '42',
      outputs: [
        { name: 'output0', shape: [3, 2], datatype: 'FP32', parameters: { binary_data_size: 24 } },
        { name: 'output1', shape: [3], datatype: 'BOOL', data: [false, true, false] },
      ],
    });
    expect(oipSchemaErrors('inference_response', asTheSchemaSeesIt(res.body))).toEqual([]);
    expect(Number(res.headers.get('inference-header-content-length'))).toBeGreaterThanOrEqual(JSON.stringify(res.body).length);
    expect(float32sOf(res.binary)).toEqual([4, 6, 0, 0, 4, 6]);
  });

  it('reads an application/octet-stream body without Inference-Header-Content-Length as all JSON', async () => {
    const request = { inputs: [{ name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] }, { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, true, false] }] };
    const res = await send('/v2/models/mymodel/infer', JSON.stringify(request), { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(200);
    expect(res.body.outputs[0].data).toEqual([4, 6, 4, 6, 0, 0]);
  });

  it('answers binary bodies that do not add up with 400 and an {error} naming the input', async () => {
    const { shape, values } = ocrRequest(OCR.reference.cases[0]!);
    const bytes = bytesOf(values);
    const header = (size: number) => ({ inputs: [{ name: 'x', shape, datatype: 'FP32', parameters: { binary_data_size: size } }] });
    const ocr = (size: number, chunks: Uint8Array[], headers?: Record<string, string>) => () => postBinary('/v2/models/ocr/infer', header(size), chunks, headers);
    const cases: [string, () => Promise<Answer>, RegExp][] = [
      [
        'fewer bytes than binary_data_size',
        ocr(bytes.byteLength, [bytes.subarray(4)]),
        /input "x" has parameters\.binary_data_size \d+ at byte 0 of the binary data, but the binary data has only \d+ bytes/,
      ],
      [
        'a size that does not fit the shape',
        ocr(bytes.byteLength - 4, [bytes.subarray(4)]),
        /input "x" of shape \[1,3,48,192\] needs 110592 bytes of FP32 \(27648 values × 4 bytes\); its binary data has 110588/,
      ],
      ['more bytes than the inputs claim', ocr(bytes.byteLength, [bytes, new Uint8Array(4)]), /110596 bytes of binary data after its header, but its inputs' parameters\.binary_data_size add up to 110592/],
      [
        'a header length beyond the body',
        ocr(8, [new Uint8Array(8)], { 'inference-header-content-length': '999999' }),
        /Inference-Header-Content-Length is 999999, but the body has only \d+ bytes/,
      ],
      [
        'a header length that is not a number',
        ocr(8, [new Uint8Array(8)], { 'inference-header-content-length': 'many' }),
        /Inference-Header-Content-Length must be a whole number of bytes; got "many"/,
      ],
    ];
    for (const [what, request, message] of cases) {
      const res = await request();
      expect(res.status, what).toBe(400);
      expect(oipSchemaErrors('inference_error_response', res.body), what).toEqual([]);
      expect(res.body.error, what).toMatch(message);
    }
  });

  it('refuses a binary body over MODELGATE_MAX_BODY_BYTES with 413 and {error}', async () => {
    const res = await send('/v2/models/ocr/infer', new Uint8Array(BODY_LIMIT_BYTES + 1), { 'content-type': 'application/octet-stream', 'inference-header-content-length': '2' });
    expect(res.status).toBe(413);
    expect(oipSchemaErrors('inference_error_response', res.body)).toEqual([]);
    expect(res.body.error).toBe('the request body is larger than the configured limit (MODELGATE_MAX_BODY_BYTES)');
  });
});
