import type { HostTensor } from './host-tensor.js';
import { float16BitsToNumber } from './float16.js';

/** How a shadow's answer compares with the answer the caller got. */
export interface OutputComparison {
  /** Some compared output holds classes: integer or string labels, or per-class scores ([…, C > 1]). */
  classified: boolean;
  /** Every classified output picked the same class in every row (meaningless when not classified). */
  agreed: boolean;
  /** Largest |a − b| over every numeric value of the outputs both gave with the same shape; null if none. */
  maxAbsDiff: number | null;
}

/**
 * Compares the outputs two versions gave for the same request, output by output (those both
 * returned). A label output agrees when every label is equal; a score output [N, C] (C > 1)
 * agrees when each row's argmax is; outputs whose shapes differ disagree. Every numeric output
 * also gives the largest absolute difference. Null when they share no output to compare.
 */
export function compareOutputs(served: Record<string, HostTensor>, shadow: Record<string, HostTensor>): OutputComparison | null {
  const names = Object.keys(served).filter((name) => name in shadow);
  if (names.length === 0) return null;
  let classified = false;
  let agreed = true;
  let maxAbsDiff: number | null = null;
  for (const name of names) {
    const a = served[name]!;
    const b = shadow[name]!;
    const sameShape = a.shape.length === b.shape.length && a.shape.every((size, axis) => size === b.shape[axis]);
    const labels = a.dtype === 'string' || isIntegerDtype(a.dtype);
    const scores = !labels && a.shape.length >= 2 && (a.shape.at(-1) ?? 0) > 1;
    if (labels || scores) classified = true;
    if (!sameShape || a.dtype !== b.dtype) {
      if (labels || scores) agreed = false;
      continue;
    }
    if (a.dtype === 'string') {
      if ((a.data as string[]).some((label, index) => label !== (b.data as string[])[index])) agreed = false;
      continue;
    }
    const left = numbersOf(a);
    const right = numbersOf(b);
    let largest = 0;
    for (let index = 0; index < left.length; index++) largest = Math.max(largest, Math.abs(left[index]! - right[index]!));
    maxAbsDiff = Math.max(maxAbsDiff ?? 0, largest);
    if (labels && largest !== 0) agreed = false;
    if (scores && !sameArgmaxPerRow(left, right, a.shape.at(-1)!)) agreed = false;
  }
  return { classified, agreed: classified && agreed, maxAbsDiff };
}

function isIntegerDtype(dtype: HostTensor['dtype']): boolean {
  return dtype.startsWith('int') || dtype.startsWith('uint') || dtype === 'bool';
}

function numbersOf(tensor: HostTensor): ArrayLike<number> {
  if (tensor.dtype === 'float16') return Array.from(tensor.data as Uint16Array, float16BitsToNumber);
  if (tensor.data instanceof BigInt64Array || tensor.data instanceof BigUint64Array) return Array.from(tensor.data, Number);
  return tensor.data as ArrayLike<number>;
}

function sameArgmaxPerRow(left: ArrayLike<number>, right: ArrayLike<number>, classes: number): boolean {
  for (let start = 0; start < left.length; start += classes) {
    if (argmax(left, start, classes) !== argmax(right, start, classes)) return false;
  }
  return true;
}

function argmax(values: ArrayLike<number>, start: number, length: number): number {
  let best = start;
  for (let index = start + 1; index < start + length; index++) if (values[index]! > values[best]!) best = index;
  return best - start;
}
