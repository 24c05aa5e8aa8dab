import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorDtype } from '@modelgate/contracts';
import { float16BitsToNumber } from '../tensors/float16.js';
import { formatShape, type HostTensor } from '../tensors/host-tensor.js';
import { tensorFromJson } from '../tensors/json-codec.js';

/** A tensor as reference.json writes it: flat, row-major; "NaN" for NaN, decimal strings for big int64. */
export interface ReferenceTensor {
  dtype: TensorDtype;
  shape: number[];
  data: unknown[];
}

export interface ReferenceCase {
  inputs: Record<string, ReferenceTensor>;
  /** Expected outputs, within `tolerance`. */
  outputs?: Record<string, ReferenceTensor>;
  /** Expected index of the largest value per output (e.g. the true class). */
  expectArgmax?: Record<string, number>;
  /** For reference only (e.g. scikit-learn predict_proba behind a ZipMap output that cannot be fetched). */
  expectedProbabilities?: number[];
}

export interface ReferenceFile {
  source: string;
  license: string;
  note?: string;
  tolerance?: { rtol: number; atol: number };
  /** Set for models that must be refused: part of onnxruntime's load error. */
  expectLoadError?: string;
  cases: ReferenceCase[];
}

export interface ReferenceModel {
  name: string;
  /** Absolute path of model.onnx. */
  path: string;
  reference: ReferenceFile;
}

/**
 * fixtures/models is at the repository root; this module runs from src/testing or dist/testing,
 * so it is found by walking up rather than by a fixed number of "..".
 */
export function referenceModelsDirectory(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, 'fixtures', 'models');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('fixtures/models not found above @modelgate/runtime: is this a checkout of the repository?');
    directory = parent;
  }
}

/** A published model with its authors' reference answers, from the repository's fixtures/models/<name>/. */
export function loadReferenceModel(name: string): ReferenceModel {
  const directory = path.join(referenceModelsDirectory(), name);
  const modelPath = path.join(directory, 'model.onnx');
  if (!existsSync(modelPath)) throw new Error(`no reference model "${name}" (looked for ${modelPath})`);
  const reference = JSON.parse(readFileSync(path.join(directory, 'reference.json'), 'utf8')) as ReferenceFile;
  return { name, path: modelPath, reference };
}

export function hostTensorFromReference(name: string, tensor: ReferenceTensor): HostTensor {
  return tensorFromJson({ name, dtype: tensor.dtype, shape: tensor.shape }, { shape: tensor.shape, data: tensor.data });
}

/** A case's inputs as host tensors, ready for OnnxModel.run. */
export function referenceInputs(testCase: ReferenceCase): Record<string, HostTensor> {
  return Object.fromEntries(
    Object.entries(testCase.inputs).map(([name, tensor]) => [name, hostTensorFromReference(name, tensor)]),
  );
}

function numericValue(tensor: HostTensor, index: number): number {
  const value = tensor.data[index]!;
  if (tensor.dtype === 'float16') return float16BitsToNumber(value as number);
  return Number(value);
}

/** Index of the largest value over the whole tensor (flattened). */
export function argmax(tensor: HostTensor): number {
  let best = 0;
  for (let index = 1; index < tensor.data.length; index++) {
    if (numericValue(tensor, index) > numericValue(tensor, best)) best = index;
  }
  return best;
}

/**
 * Compares an output with its reference: same shape, and element-wise
 * |got - want| <= atol + rtol·|want| (NaN equals NaN; strings and int64 compare exactly as text).
 * Returns a description of the first difference, or undefined when they agree.
 */
export function differenceFromReference(
  got: HostTensor,
  want: ReferenceTensor,
  tolerance: { rtol: number; atol: number } = { rtol: 0, atol: 0 },
): string | undefined {
  if (got.shape.length !== want.shape.length || got.shape.some((dim, axis) => dim !== want.shape[axis])) {
    return `shape ${formatShape(got.shape)} differs from the reference ${formatShape(want.shape)}`;
  }
  const expected = hostTensorFromReference('reference', want);
  for (let index = 0; index < expected.data.length; index++) {
    if (got.dtype === 'string' || got.dtype === 'int64' || got.dtype === 'uint64') {
      if (String(got.data[index]) !== String(expected.data[index])) {
        return `value ${index} is ${String(got.data[index])}, the reference says ${String(expected.data[index])}`;
      }
      continue;
    }
    const actual = numericValue(got, index);
    const reference = numericValue(expected, index);
    if (Number.isNaN(reference) && Number.isNaN(actual)) continue;
    if (actual === reference) continue;
    if (!(Math.abs(actual - reference) <= tolerance.atol + tolerance.rtol * Math.abs(reference))) {
      return `value ${index} is ${actual}, the reference says ${reference} (atol ${tolerance.atol}, rtol ${tolerance.rtol})`;
    }
  }
  return undefined;
}
