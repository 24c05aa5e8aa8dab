import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGemmModel, loadReferenceModel, writeModelFile, rejectionOf } from '../testing/index.js';
import { inspectInChildProcess, inspectModelIsolated } from './inspect-isolated.js';
import { inspectModel } from './inspect-model.js';
import { InvalidModelError } from './invalid-model-error.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'modelgate-isolated-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('inspectModelIsolated', () => {
  it('gives the same inspection as in-process inspection', async () => {
    const gemm = await writeModelFile(directory, 'gemm.onnx', buildGemmModel({ inFeatures: 3, outFeatures: 2 }));
    for (const file of [gemm, loadReferenceModel('sklearn-random-forest').path]) {
      expect(await inspectModelIsolated(file)).toEqual(await inspectModel(file));
    }
  });

  it('brings the child’s refusal back as the same InvalidModelError', async () => {
    const file = loadReferenceModel('invalid-mnist-opset1').path;
    const inProcess = await rejectionOf<InvalidModelError>(inspectModel(file));
    const isolated = await rejectionOf<InvalidModelError>(inspectModelIsolated(file));
    expect(isolated).toBeInstanceOf(InvalidModelError);
    expect({ code: isolated.code, message: isolated.message }).toEqual({ code: inProcess.code, message: inProcess.message });
  });

  it('inspects under a memory cap that leaves room, with the same answer', async () => {
    const file = loadReferenceModel('shufflenet-v2-int8').path;
    expect(await inspectModelIsolated(file, { memoryLimitMb: 2048 })).toEqual(await inspectModel(file));
  });

  it('refuses a model whose loading needs more memory than the cap, naming the setting', async () => {
    // ShuffleNet's weights are 2.4 MB but onnxruntime needs far more than 64 MiB to build its session.
    const error = await rejectionOf<InvalidModelError>(inspectModelIsolated(loadReferenceModel('shufflenet-v2-int8').path, { memoryLimitMb: 64 }));
    expect(error).toBeInstanceOf(InvalidModelError);
    expect(error.code).toBe('validation-out-of-memory');
    expect(error.message).toMatch(/needs more than the 64 MiB validation is allowed \(MODELGATE_VALIDATION_MEMORY_MB\)/);
  });

  it('passes other failures (a missing file) through as plain errors', async () => {
    const error = await rejectionOf<Error>(inspectModelIsolated(path.join(directory, 'missing.onnx')));
    expect(error).not.toBeInstanceOf(InvalidModelError);
    expect(error.message).toContain('ENOENT');
  });

  it('stops a validation that takes too long', async () => {
    const file = loadReferenceModel('mnist').path;
    const error = await rejectionOf<InvalidModelError>(inspectModelIsolated(file, { timeoutMs: 1 }));
    expect(error).toBeInstanceOf(InvalidModelError);
    expect(error.code).toBe('validation-timeout');
    expect(error.message).toBe(
      'validation took longer than 1ms and was stopped: the model is too large or too slow to load on this server',
    );
  });

  it('reports a child that hangs or crashes without taking the caller down', async () => {
    const hanging = path.join(directory, 'hang.mjs');
    await writeFile(hanging, 'setInterval(() => {}, 1000);\n');
    const timedOut = await rejectionOf<InvalidModelError>(inspectInChildProcess(hanging, 'x.onnx', { timeoutMs: 300 }));
    expect(timedOut.message).toBe(
      'validation took longer than 300ms and was stopped: the model is too large or too slow to load on this server',
    );

    const crashing = path.join(directory, 'crash.mjs');
    await writeFile(crashing, "process.stderr.write('native code went wrong\\n'); process.kill(process.pid, 'SIGSEGV');\n");
    const crashed = await rejectionOf<InvalidModelError>(inspectInChildProcess(crashing, 'x.onnx', { timeoutMs: 10_000 }));
    expect(crashed).toBeInstanceOf(InvalidModelError);
    expect(crashed.code).toBe('onnxruntime-crashed');
    expect(crashed.message).toBe('onnxruntime crashed while loading the model (signal SIGSEGV): native code went wrong');
  });
});
