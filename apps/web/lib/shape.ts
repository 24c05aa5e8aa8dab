import type { Dim, TensorSpec } from '@modelgate/contracts';

/** Symbolic dimensions keep their name from the model ("N", "batch"); unnamed ones read "?". */
export function formatDim(dim: Dim): string {
  if (typeof dim === 'number') return String(dim);
  return dim === '' ? '?' : dim;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.map(formatDim).join(',')}]`;
}

/** One line per tensor, e.g. `Input3 float32 [1,1,28,28]`. */
export function formatTensorSpec(spec: TensorSpec): string {
  return `${spec.name} ${spec.dtype} ${formatShape(spec.shape)}`;
}

/** A concrete shape to build an example from: every symbolic dimension becomes 1 (one row). */
export function exampleShape(shape: readonly Dim[]): number[] {
  return shape.map((dim) => (typeof dim === 'number' ? dim : 1));
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((count, dim) => count * dim, 1);
}
