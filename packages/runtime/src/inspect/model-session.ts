import { TensorDtype, tensorOutputNames, UNNAMED_DIM, type OutputSpec, type Signature, type TensorSpec } from '@modelgate/contracts';
import ort from 'onnxruntime-node';
import { InvalidModelError } from './invalid-model-error.js';

/** "1.30": the version error messages name, since what loads depends on it. */
export const ONNXRUNTIME_VERSION = (ort.env.versions.node ?? ort.env.versions.common ?? 'unknown').split('.').slice(0, 2).join('.');

export type SessionOptions = ort.InferenceSession.SessionOptions;

/**
 * Creates an onnxruntime session from the model bytes. Bytes rather than a path: a model that
 * names external data files would otherwise make onnxruntime read files next to the artifact.
 * `explainFailure` runs when onnxruntime refuses, to throw a more specific refusal (say, "not an
 * ONNX model at all") before onnxruntime's own message is used.
 */
export async function createSession(
  bytes: Uint8Array,
  options: SessionOptions,
  explainFailure?: () => void,
): Promise<ort.InferenceSession> {
  try {
    // Severity 3 (error): onnxruntime otherwise prints its warnings (e.g. unused initializers) to the console.
    return await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, ...options });
  } catch (error) {
    explainFailure?.();
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidModelError('onnxruntime-load-failed', `onnxruntime ${ONNXRUNTIME_VERSION} cannot load this model: ${reason}`);
  }
}

const SUPPORTED_DTYPES = new Set<string>(TensorDtype.options);

function toDim(dim: number | string): number | string {
  // onnxruntime reports a dynamic dimension without a name as "" (and some exporters write -1).
  if (typeof dim === 'number') return dim >= 0 ? dim : UNNAMED_DIM;
  return dim === '' ? UNNAMED_DIM : dim;
}

export interface SessionSignature {
  signature: Signature;
  /** Things the uploader should know that do not make the model unusable. */
  warnings: string[];
}

/**
 * The model's signature as onnxruntime sees it. `typeOf` gives a graph value's type notation
 * (`seq(map(int64,tensor(float)))`), which onnxruntime-node does not expose for non-tensors.
 */
export function readSessionSignature(session: ort.InferenceSession, typeOf: (name: string) => string): SessionSignature {
  const inputs: TensorSpec[] = session.inputMetadata.map((input) => {
    if (!input.isTensor) {
      throw new InvalidModelError(
        'non-tensor-input',
        `input "${input.name}" is ${typeOf(input.name)}: Modelgate sends tensors only; re-export the model with tensor inputs`,
      );
    }
    if (!SUPPORTED_DTYPES.has(input.type)) {
      throw new InvalidModelError(
        'unsupported-input-dtype',
        `input "${input.name}" is a ${input.type} tensor, which requests cannot carry (supported: ${TensorDtype.options.join(', ')})`,
      );
    }
    return { name: input.name, dtype: input.type as TensorDtype, shape: input.shape.map(toDim) };
  });

  const outputs: OutputSpec[] = session.outputMetadata.map((output) => {
    if (!output.isTensor) return { name: output.name, isTensor: false, type: typeOf(output.name) };
    if (!SUPPORTED_DTYPES.has(output.type)) return { name: output.name, isTensor: false, type: `tensor(${output.type})` };
    return { name: output.name, isTensor: true, dtype: output.type as TensorDtype, shape: output.shape.map(toDim) };
  });

  const tensorOutputs = outputs.filter((output) => output.isTensor).map((output) => output.name);
  const zipMapAdvice = 'with skl2onnx, convert with options={"zipmap": False} to get the probabilities as a tensor';
  if (tensorOutputs.length === 0) {
    const first = outputs[0];
    throw new InvalidModelError(
      'no-tensor-outputs',
      first && !first.isTensor
        ? `the model has no tensor outputs (output "${first.name}" is ${first.type}) and onnxruntime-node can only return tensors` +
            (first.type.startsWith('seq(map(') ? `; ${zipMapAdvice}` : '')
        : 'the model has no outputs',
    );
  }
  const warnings: string[] = [];
  for (const output of outputs) {
    if (output.isTensor) continue;
    const zipMap = output.type.startsWith('seq(map(');
    warnings.push(
      `output "${output.name}" is ${output.type}${zipMap ? ' (scikit-learn ZipMap?)' : ''}; ` +
        `predictions return only tensor outputs: ${tensorOutputs.join(', ')}` +
        (zipMap ? ` (${zipMapAdvice})` : ''),
    );
  }

  const batchable = inputs.length > 0 && inputs.every((input) => typeof input.shape[0] === 'string');
  if (!batchable) {
    const fixed = inputs.find((input) => typeof input.shape[0] !== 'string');
    if (fixed) {
      const what = fixed.shape.length === 0 ? 'is a scalar' : `has a fixed first dimension (${fixed.shape[0]})`;
      warnings.push(
        `input "${fixed.name}" ${what}, so requests are not micro-batched; export with a symbolic batch dimension ` +
          '(torch.onnx.export dynamic_axes, tf2onnx / skl2onnx with None as the first dimension) to enable batching',
      );
    }
  }

  return { signature: { inputs, outputs, batchable }, warnings };
}
