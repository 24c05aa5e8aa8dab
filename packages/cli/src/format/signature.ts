import type { Dim, Signature } from '@modelgate/contracts';
import type { Style } from './style.js';
import { formatTable } from './table.js';

/** `[N, 3]`: fixed sizes as numbers, symbolic dimensions by their names ("?" when unnamed), `[]` a scalar. */
export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * One row per input and output. A non-tensor output (scikit-learn's ZipMap, say) shows its ONNX
 * type and is marked, because predict never returns it.
 */
export function formatSignatureTable(signature: Signature, style?: Style): string {
  const rows = [
    ...signature.inputs.map((input) => ['input', input.name, input.dtype, formatShape(input.shape)]),
    ...signature.outputs.map((output) =>
      output.isTensor ? ['output', output.name, output.dtype, formatShape(output.shape)] : ['output', output.name, output.type, 'not a tensor: never returned by predict'],
    ),
  ];
  return formatTable(['', 'name', 'dtype', 'shape'], rows, style);
}
