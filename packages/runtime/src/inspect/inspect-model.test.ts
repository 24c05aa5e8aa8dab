import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGemmModel, buildModel, loadReferenceModel, writeModelFile, rejectionOf } from '../testing/index.js';
import { inspectModel } from './inspect-model.js';
import { InvalidModelError } from './invalid-model-error.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'modelgate-inspect-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function refusal(name: string, bytes: Uint8Array): Promise<InvalidModelError> {
  const file = await writeModelFile(directory, name, bytes);
  const error = await rejectionOf<InvalidModelError>(inspectModel(file));
  expect(error).toBeInstanceOf(InvalidModelError);
  return error;
}

describe('inspectModel: models that load', () => {
  it('reads a built Gemm model: symbolic batch dimension, batchable, facts', async () => {
    const file = await writeModelFile(directory, 'gemm.onnx', buildGemmModel({ inFeatures: 4, outFeatures: 2 }));
    const inspection = await inspectModel(file);
    expect(inspection.signature).toEqual({
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
      outputs: [{ name: 'y', isTensor: true, dtype: 'float32', shape: ['N', 2] }],
      batchable: true,
    });
    expect(inspection.facts).toEqual({
      irVersion: 8,
      producerName: 'modelgate-testing',
      producerVersion: '1',
      domain: '',
      modelVersion: 0,
      docString: '',
      opsets: [{ domain: 'ai.onnx', version: 13 }],
      metadataProps: {},
    });
    expect(inspection.warnings).toEqual([]);
  });

  it('reports unnamed dynamic dimensions as "?" and keeps metadata', async () => {
    const bytes = buildModel({
      inputs: [{ name: 'ids', dtype: 'int64', shape: ['', 3] }],
      outputs: [{ name: 'same', dtype: 'int64', shape: ['', 3] }],
      nodes: [{ opType: 'Identity', inputs: ['ids'], outputs: ['same'] }],
      metadataProps: { author: 'tests', task: 'identity' },
      docString: 'an identity',
    });
    const inspection = await inspectModel(await writeModelFile(directory, 'unnamed.onnx', bytes));
    expect(inspection.signature.inputs).toEqual([{ name: 'ids', dtype: 'int64', shape: ['?', 3] }]);
    expect(inspection.signature.batchable).toBe(true);
    expect(inspection.facts.metadataProps).toEqual({ author: 'tests', task: 'identity' });
    expect(inspection.facts.docString).toBe('an identity');
  });

  it('reads mnist: fixed batch dimension, not batchable, with a warning saying how to fix that', async () => {
    const inspection = await inspectModel(loadReferenceModel('mnist').path);
    expect(inspection.signature).toEqual({
      inputs: [{ name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] }],
      outputs: [{ name: 'Plus214_Output_0', isTensor: true, dtype: 'float32', shape: [1, 10] }],
      batchable: false,
    });
    expect(inspection.facts).toMatchObject({ irVersion: 3, producerName: 'CNTK', opsets: [{ domain: 'ai.onnx', version: 8 }] });
    expect(inspection.warnings).toEqual([
      'input "Input3" has a fixed first dimension (1), so requests are not micro-batched; export with a symbolic batch dimension ' +
        '(torch.onnx.export dynamic_axes, tf2onnx / skl2onnx with None as the first dimension) to enable batching',
    ]);
  });

  it('reads the random forest: the ZipMap output is a non-tensor with its type, and a warning says only label returns', async () => {
    const inspection = await inspectModel(loadReferenceModel('sklearn-random-forest').path);
    expect(inspection.signature.outputs).toEqual([
      { name: 'label', isTensor: true, dtype: 'int64', shape: [1] },
      { name: 'probabilities', isTensor: false, type: 'seq(map(int64,tensor(float)))' },
    ]);
    expect(inspection.facts.opsets).toEqual([{ domain: 'ai.onnx.ml', version: 1 }]);
    expect(inspection.warnings[0]).toBe(
      'output "probabilities" is seq(map(int64,tensor(float))) (scikit-learn ZipMap?); predictions return only tensor outputs: label ' +
        '(with skl2onnx, convert with options={"zipmap": False} to get the probabilities as a tensor)',
    );
  });
});

describe('inspectModel: files that are refused', () => {
  it('refuses the opset-1 mnist with onnxruntime’s own reason', async () => {
    const { path: file, reference } = loadReferenceModel('invalid-mnist-opset1');
    const error = await rejectionOf<InvalidModelError>(inspectModel(file));
    expect(error).toBeInstanceOf(InvalidModelError);
    expect(error.code).toBe('onnxruntime-load-failed');
    expect(error.message).toMatch(/^onnxruntime 1\.30 cannot load this model: /);
    expect(error.message).toContain(reference.expectLoadError);
  });

  it('refuses an empty file', async () => {
    const error = await refusal('empty.onnx', new Uint8Array(0));
    expect(error.code).toBe('empty-file');
    expect(error.message).toBe('the file is empty (0 bytes): upload the .onnx model file itself');
  });

  it('never loads a pickle and names the converters', async () => {
    // pickle.dumps({'a': 1}, protocol=4)
    const protocol4 = Buffer.from('gASVCgAAAAAAAAB9lIwBYZRLAXMu', 'base64');
    const error = await refusal('model.pkl', protocol4);
    expect(error.code).toBe('pickle');
    expect(error.message).toBe(
      'this is a Python pickle (protocol 4), not an ONNX model; pickle files are never loaded: export to ONNX with skl2onnx / torch.onnx.export / tf2onnx',
    );
    // pickle.dumps({'a': 1}, protocol=0): no header, recognised by its opcodes
    const protocol0 = Buffer.from('(dp0\nVa\np1\nI1\ns.', 'latin1');
    const legacy = await refusal('legacy.pkl', protocol0);
    expect(legacy.code).toBe('pickle');
    expect(legacy.message).toContain('pickle files are never loaded: export to ONNX with skl2onnx / torch.onnx.export / tf2onnx');
  });

  it('recognises zip archives, naming a PyTorch checkpoint when it is one', async () => {
    const zipHeader = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
    const torch = await refusal('model.pt', Buffer.concat([zipHeader, Buffer.from('archive/data.pklPK')]));
    expect(torch.code).toBe('zip-archive');
    expect(torch.message).toContain('PyTorch checkpoint');
    expect(torch.message).toContain('torch.onnx.export');
    const other = await refusal('model.zip', Buffer.concat([zipHeader, Buffer.alloc(40)]));
    expect(other.message).toContain('zip archive');
    expect(other.message).toContain('tf2onnx');
  });

  it('says what HDF5, PMML and JSON files look like', async () => {
    const hdf5 = await refusal('model.h5', Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    expect(hdf5.code).toBe('hdf5');
    expect(hdf5.message).toContain('Keras .h5');
    const pmml = await refusal('model.pmml', Buffer.from('<?xml version="1.0"?>\n<PMML version="4.4">'));
    expect(pmml.code).toBe('pmml');
    expect(pmml.message).toContain('PMML document');
    const json = await refusal('model.json', Buffer.from('  {"class_name": "Sequential"}'));
    expect(json.code).toBe('json');
  });

  it('refuses random bytes and a truncated model as not ONNX', async () => {
    // A fixed pseudo-random sequence (not crypto random: a 0x80 first byte would read as a pickle).
    let state = 12345;
    const noise = Uint8Array.from({ length: 4096 }, () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state >> 16 & 0xff;
    });
    noise[0] = 0x0a;
    const random = await refusal('random.onnx', noise);
    expect(random.code).toBe('not-onnx');
    expect(random.message).toMatch(/^not an ONNX model/);

    const mnist = await readFile(loadReferenceModel('mnist').path);
    const truncated = await refusal('truncated.onnx', mnist.subarray(0, Math.floor(mnist.length / 2)));
    expect(truncated.code).toBe('not-onnx');
    expect(truncated.message).toBe('not an ONNX model (could not parse ModelProto: truncated or another format)');
  });

  it('refuses a protobuf that has no graph', async () => {
    // Field 1 (ir_version) = 7 and nothing else: decodes, but no graph.
    const error = await refusal('headless.onnx', Uint8Array.from([0x08, 0x07]));
    expect(error.code).toBe('not-onnx');
    expect(error.message).toContain('has no graph or ir_version');
  });

  it('refuses non-tensor inputs and inputs without a declared shape', async () => {
    const sequenceInput = buildModel({
      inputs: [{ name: 'items', dtype: 'float32', shape: ['N'], sequence: true }],
      outputs: [{ name: 'count', dtype: 'int64', shape: [] }],
      nodes: [{ opType: 'SequenceLength', inputs: ['items'], outputs: ['count'] }],
    });
    const nonTensor = await refusal('sequence.onnx', sequenceInput);
    expect(nonTensor.code).toBe('non-tensor-input');
    expect(nonTensor.message).toBe('input "items" is seq(tensor(float)): Modelgate sends tensors only; re-export the model with tensor inputs');

    const shapeless = buildModel({
      inputs: [{ name: 'x', dtype: 'float32' }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
    });
    const noShape = await refusal('shapeless.onnx', shapeless);
    expect(noShape.code).toBe('input-without-shape');
    expect(noShape.message).toContain('input "x" declares no shape');
  });

  it('refuses a model with no tensor output at all (nothing could be returned)', async () => {
    const onlySequence = buildModel({
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N'] }],
      outputs: [{ name: 'items', dtype: 'float32', shape: ['N'], sequence: true }],
      nodes: [{ opType: 'SequenceConstruct', inputs: ['x'], outputs: ['items'] }],
    });
    const error = await refusal('only-sequence.onnx', onlySequence);
    expect(error.code).toBe('no-tensor-outputs');
    expect(error.message).toBe(
      'the model has no tensor outputs (output "items" is seq(tensor(float))) and onnxruntime-node can only return tensors',
    );
  });

  it('refuses models whose weights live in external files', async () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 2] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 2] }],
      initializers: [{ name: 'W', dtype: 'float32', shape: [2], values: [1, 2] }],
      nodes: [{ opType: 'Add', inputs: ['x', 'W'], outputs: ['y'] }],
    });
    // Re-encode with the initializer pointing at an external file.
    const { default: onnxProto } = await import('onnx-proto');
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    const weight = model.graph!.initializer![0]!;
    weight.rawData = new Uint8Array(0);
    weight.dataLocation = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;
    weight.externalData = [{ key: 'location', value: '../../etc/passwd' }];
    const error = await refusal('external.onnx', onnxProto.onnx.ModelProto.encode(model).finish());
    expect(error.code).toBe('external-data');
    expect(error.message).toContain('save_as_external_data=False');
  });
});
