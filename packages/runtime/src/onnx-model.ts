import { readFile } from 'node:fs/promises';
import { tensorOutputNames, type Signature, type TensorDtype } from '@modelgate/contracts';
import ort from 'onnxruntime-node';
import { refuseForeignFormat } from './inspect/foreign-format.js';
import { createSession, readSessionSignature } from './inspect/model-session.js';
import { decodeModelProto, readGraphValueTypes } from './inspect/model-proto.js';
import { elementCount, formatShape, type HostTensor, type HostTensorData } from './tensors/host-tensor.js';
import { TensorInputError } from './tensors/tensor-input-error.js';

export interface OnnxModelOptions {
  /** Threads one operator may use. Default 1: a serving process runs many requests side by side. */
  intraOpNumThreads?: number;
  /** Threads for running independent operators in parallel (only with executionMode "parallel"). Default 1. */
  interOpNumThreads?: number;
  /** Default "sequential": parallel operator execution only pays off for wide graphs on idle cores. */
  executionMode?: 'sequential' | 'parallel';
}

/**
 * One loaded model: an onnxruntime session plus its signature. Defaults suit concurrent serving on
 * a small machine (2 cores): one thread per run, so concurrent runs and micro-batches, not one
 * request's operators, use the cores.
 */
export class OnnxModel {
  readonly signature: Signature;
  /** Same warnings inspection reports (non-tensor outputs, not batchable). */
  readonly warnings: readonly string[];
  private readonly session: ort.InferenceSession;
  private readonly tensorOutputNames: string[];
  private released = false;

  private constructor(session: ort.InferenceSession, signature: Signature, warnings: string[]) {
    this.session = session;
    this.signature = signature;
    this.warnings = warnings;
    this.tensorOutputNames = tensorOutputNames(signature);
  }

  /**
   * What a loaded model is expected to hold, for SessionCache's memory budget: 3 × the file (its
   * bytes while loading, the initialisers onnxruntime copies, pre-packed weights) plus 4 MiB for
   * the session's arenas and activations. A rough guide, measured with onnxruntime-node 1.30 on
   * CPU after one run: shufflenet-v2-int8 (2.4 MB file) holds ~9 MB, ocr-text-direction (0.6 MB)
   * ~3.5 MB, mnist (26 kB) ~0.3 MB; models with large activations (224×224 inputs) hold more
   * than their weights suggest.
   */
  static estimateMemoryBytes(artifactBytes: number): number {
    return 3 * artifactBytes + 4 * 1024 * 1024;
  }

  /** Loads a model from a file path or its bytes; throws InvalidModelError when it cannot be served. */
  static async load(source: string | Uint8Array, options: OnnxModelOptions = {}): Promise<OnnxModel> {
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    refuseForeignFormat(bytes);
    // Decoding the whole ModelProto costs time and memory on big models, so it happens only when
    // needed: to name non-tensor output types, or to explain why onnxruntime refused the file.
    let graphTypes: ReturnType<typeof readGraphValueTypes> | undefined;
    const typeOf = (name: string) => {
      graphTypes ??= readGraphValueTypes(decodeModelProto(bytes));
      return graphTypes.types.get(name) ?? 'unknown';
    };
    const session = await createSession(
      bytes,
      {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: options.interOpNumThreads ?? 1,
        executionMode: options.executionMode ?? 'sequential',
      },
      () => decodeModelProto(bytes),
    );
    try {
      const { signature, warnings } = readSessionSignature(session, typeOf);
      return new OnnxModel(session, signature, warnings);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * Runs the model. Only tensor outputs can be fetched (onnxruntime-node throws when asked for a
   * non-tensor one), so outputs are always requested by name: `outputNames`, or every tensor output.
   */
  async run(inputs: Record<string, HostTensor>, outputNames?: string[]): Promise<Record<string, HostTensor>> {
    if (this.released) throw new Error('this model has been released; load it again to run it');
    const fetches = outputNames ?? this.tensorOutputNames;
    for (const name of fetches) {
      if (!this.tensorOutputNames.includes(name)) {
        const output = this.signature.outputs.find((candidate) => candidate.name === name);
        throw new TensorInputError(
          output
            ? `output "${name}" is ${output.isTensor ? 'a tensor' : output.type} and cannot be returned; tensor outputs: ${this.tensorOutputNames.join(', ')}`
            : `unknown output "${name}" (the model's tensor outputs: ${this.tensorOutputNames.join(', ')})`,
          { input: name, path: 'outputs' },
        );
      }
    }

    const feeds: Record<string, ort.Tensor> = {};
    const expectedNames = this.signature.inputs.map((input) => input.name).join(', ');
    for (const name of Object.keys(inputs)) {
      if (!this.signature.inputs.some((input) => input.name === name)) {
        throw new TensorInputError(`unknown input "${name}" (the model expects: ${expectedNames})`, { input: name, path: `inputs.${name}` });
      }
    }
    for (const spec of this.signature.inputs) {
      const tensor = inputs[spec.name];
      if (!tensor) {
        throw new TensorInputError(`missing input "${spec.name}" (the model expects: ${expectedNames})`, {
          input: spec.name,
          path: `inputs.${spec.name}`,
        });
      }
      // Tensors from the JSON codec are already checked; these cheap checks cover the ones that come
      // from elsewhere (wire payloads, batches), so a mistake is a 400, not an onnxruntime error.
      const fits =
        tensor.dtype === spec.dtype &&
        tensor.shape.length === spec.shape.length &&
        spec.shape.every((dim, axis) => typeof dim === 'string' || dim === tensor.shape[axis]);
      if (!fits) {
        throw new TensorInputError(
          `input "${spec.name}" expects ${spec.dtype} ${formatShape(spec.shape)}; got ${tensor.dtype} ${formatShape(tensor.shape)}`,
          { input: spec.name, path: `inputs.${spec.name}` },
        );
      }
      if (tensor.data.length !== elementCount(tensor.shape)) {
        throw new TensorInputError(
          `input "${spec.name}" has shape ${formatShape(tensor.shape)} but ${tensor.data.length} values`,
          { input: spec.name, path: `inputs.${spec.name}` },
        );
      }
      feeds[spec.name] = toOrtTensor(tensor);
    }

    const results = await this.session.run(feeds, fetches);
    const outputs: Record<string, HostTensor> = {};
    for (const name of fetches) {
      const value = results[name];
      if (!value) throw new Error(`onnxruntime returned no value for output "${name}"`);
      outputs[name] = fromOrtTensor(value);
    }
    return outputs;
  }

  /** Frees the native session; the model cannot run afterwards. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

function toOrtTensor(tensor: HostTensor): ort.Tensor {
  // The Tensor constructor overloads are keyed by dtype; HostTensor keeps dtype and data in step.
  return new ort.Tensor(tensor.dtype as 'float32', tensor.data as Float32Array, tensor.shape);
}

function fromOrtTensor(value: ort.Tensor): HostTensor {
  return {
    dtype: value.type as TensorDtype,
    shape: [...value.dims],
    data: value.data as HostTensorData,
  };
}
