import { readFile } from 'node:fs/promises';
import type { ModelInspection } from '@modelgate/contracts';
import { refuseForeignFormat } from './foreign-format.js';
import { InvalidModelError } from './invalid-model-error.js';
import { createSession, readSessionSignature } from './model-session.js';
import { decodeModelProto, readGraphValueTypes, readModelFacts } from './model-proto.js';

/**
 * Validates a model file and says what it is: its signature (what requests must look like), facts
 * from the ModelProto, and warnings. Throws InvalidModelError with an actionable message for
 * anything that cannot be served. Runs onnxruntime in this process: for untrusted uploads prefer
 * `inspectModelIsolated`.
 */
export async function inspectModel(filePath: string): Promise<ModelInspection> {
  const bytes = await readFile(filePath);
  return inspectModelBytes(bytes);
}

export async function inspectModelBytes(bytes: Uint8Array): Promise<ModelInspection> {
  refuseForeignFormat(bytes);
  const model = decodeModelProto(bytes);
  const graph = readGraphValueTypes(model);
  const session = await createSession(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const { signature, warnings } = readSessionSignature(session, (name) => graph.types.get(name) ?? 'unknown');
    for (const input of signature.inputs) {
      if (graph.inputsWithoutShape.has(input.name)) {
        // onnxruntime reports an unknown rank as shape [], which would make every request look wrong.
        throw new InvalidModelError(
          'input-without-shape',
          `input "${input.name}" declares no shape (not even its rank), so requests cannot be checked: ` +
            're-export the model with the input shape declared (symbolic dimensions such as "batch" are fine)',
        );
      }
    }
    return { signature, facts: readModelFacts(model), warnings };
  } finally {
    await session.release();
  }
}
