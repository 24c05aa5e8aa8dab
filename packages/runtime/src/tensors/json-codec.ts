import type { TensorDtype, TensorSpec } from '@modelgate/contracts';
import { float16BitsToNumber, FLOAT16_MAX, numberToFloat16Bits } from './float16.js';
import { allocateTensorData, elementCount, formatShape, type HostTensor, type HostTensorData } from './host-tensor.js';
import { TensorInputError } from './tensor-input-error.js';

/**
 * JSON <-> tensor conversion. A request tensor can hold hundreds of thousands of numbers, so the
 * value is walked once, writing straight into a typed array: no per-element schema, no second
 * pass, and paths into the request are only formatted when something is wrong.
 */

/**
 * Upper bound on elements per input. The shape of a nested array is inferred from its first
 * elements before the storage is allocated, so without a bound a small ragged body
 * (100k rows, the first one 100k long) would ask for a 10^10-element allocation.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 27;

interface ElementRules {
  /** What the input takes, as messages say it: `float32 numbers`. */
  readonly expects: string;
  /** Stores `value` at `index`, or returns false when the value does not fit the dtype. */
  write(data: HostTensorData, index: number, value: unknown): boolean;
  /** Why a refused value was refused, when the bare "expects … got …" would leave the reader guessing. */
  explain?(value: unknown): string | undefined;
}

type Writable<T> = { [index: number]: T };

function nonFiniteFromString(value: unknown): number | undefined {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

const NON_FINITE_HINT = 'JSON has no NaN or infinity: write them as "NaN", "Infinity", "-Infinity"';

function floatRules(dtype: 'float32' | 'float64' | 'float16'): ElementRules {
  const rangeHint =
    dtype === 'float32'
      ? 'outside the float32 range ±3.4028235e38'
      : dtype === 'float16'
        ? `outside the float16 range ±${FLOAT16_MAX}`
        : undefined;
  const fitsRange =
    dtype === 'float32'
      ? (value: number) => Number.isFinite(Math.fround(value))
      : dtype === 'float16'
        ? (value: number) => Math.abs(value) < 65520
        : () => true;
  const store =
    dtype === 'float16'
      ? (data: HostTensorData, index: number, value: number) => {
          (data as Writable<number>)[index] = numberToFloat16Bits(value);
        }
      : (data: HostTensorData, index: number, value: number) => {
          (data as Writable<number>)[index] = value;
        };
  return {
    expects: `${dtype} numbers`,
    write(data, index, value) {
      if (typeof value === 'number') {
        // A finite JSON number that overflows the dtype would silently become Infinity.
        if (!fitsRange(value)) return false;
        store(data, index, value);
        return true;
      }
      const nonFinite = nonFiniteFromString(value);
      if (nonFinite === undefined) return false;
      store(data, index, nonFinite);
      return true;
    },
    explain(value) {
      if (typeof value === 'number') return rangeHint;
      if (typeof value === 'string') return NON_FINITE_HINT;
      return undefined;
    },
  };
}

function integerRules(dtype: TensorDtype, min: number, max: number): ElementRules {
  return {
    expects: `${dtype} integers in ${min}..${max}`,
    write(data, index, value) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return false;
      (data as Writable<number>)[index] = value;
      return true;
    },
  };
}

const DECIMAL_INTEGER = /^-?\d{1,20}$/;

function bigIntegerRules(dtype: 'int64' | 'uint64', min: bigint, max: bigint): ElementRules {
  const unsafeHint =
    'JSON numbers beyond ±9007199254740991 lose precision before they arrive: send such values as decimal strings, e.g. "9007199254740993"';
  return {
    expects: `${dtype} integers (JSON numbers within ±2^53-1, or decimal strings)`,
    write(data, index, value) {
      let integer: bigint;
      if (typeof value === 'number') {
        if (!Number.isSafeInteger(value)) return false;
        integer = BigInt(value);
      } else if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) {
        integer = BigInt(value);
      } else {
        return false;
      }
      if (integer < min || integer > max) return false;
      (data as Writable<bigint>)[index] = integer;
      return true;
    },
    explain(value) {
      if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) return unsafeHint;
      if (typeof value === 'number' || (typeof value === 'string' && DECIMAL_INTEGER.test(value))) {
        return `outside the ${dtype} range ${min}..${max}`;
      }
      return undefined;
    },
  };
}

const ELEMENT_RULES: Record<TensorDtype, ElementRules> = {
  float32: floatRules('float32'),
  float64: floatRules('float64'),
  float16: floatRules('float16'),
  int8: integerRules('int8', -128, 127),
  int16: integerRules('int16', -32768, 32767),
  int32: integerRules('int32', -2147483648, 2147483647),
  uint8: integerRules('uint8', 0, 255),
  uint16: integerRules('uint16', 0, 65535),
  uint32: integerRules('uint32', 0, 4294967295),
  int64: bigIntegerRules('int64', -(2n ** 63n), 2n ** 63n - 1n),
  uint64: bigIntegerRules('uint64', 0n, 2n ** 64n - 1n),
  bool: {
    expects: 'bool values (true or false)',
    write(data, index, value) {
      if (typeof value !== 'boolean') return false;
      (data as Writable<number>)[index] = value ? 1 : 0;
      return true;
    },
  },
  string: {
    expects: 'strings',
    write(data, index, value) {
      if (typeof value !== 'string') return false;
      (data as Writable<string>)[index] = value;
      return true;
    },
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as an error message shows it: short, and JSON-like so strings stay recognisable. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function describeSpec(spec: TensorSpec): string {
  return spec.shape.length === 0 ? `a ${spec.dtype} scalar` : `${spec.dtype} ${formatShape(spec.shape)}`;
}

function indexPath(indices: readonly number[], depth: number): string {
  let text = '';
  for (let level = 0; level <= depth; level++) text += `[${indices[level]}]`;
  return text;
}

/** Everything an error message needs, passed down instead of closed over so the hot loop stays small. */
interface DecodeContext {
  readonly spec: TensorSpec;
  readonly rules: ElementRules;
  /** Where this tensor sits in the request body: `inputs.x` or `instances`. */
  readonly requestPath: string;
}

function inputError(context: DecodeContext, message: string, pathSuffix = ''): TensorInputError {
  return new TensorInputError(`input "${context.spec.name}" ${message}`, {
    input: context.spec.name,
    path: context.requestPath + pathSuffix,
  });
}

function elementError(context: DecodeContext, value: unknown, where: string, pathSuffix: string): TensorInputError {
  const explanation = context.rules.explain?.(value);
  const at = where ? ` at ${where}` : '';
  return inputError(
    context,
    `expects ${context.rules.expects}; got ${describeJsonValue(value)}${at}${explanation ? ` (${explanation})` : ''}`,
    pathSuffix,
  );
}

function checkShapeAgainstSpec(context: DecodeContext, shape: readonly number[], received: string, pathSuffix = '') {
  const expected = context.spec.shape;
  const matches =
    shape.length === expected.length && expected.every((dim, axis) => typeof dim === 'string' || dim === shape[axis]);
  if (!matches) throw inputError(context, `expects ${describeSpec(context.spec)}; got ${received}`, pathSuffix);
  const count = elementCount(shape);
  if (count > MAX_TENSOR_ELEMENTS) {
    throw inputError(
      context,
      `has shape ${formatShape(shape)} (${count} values), more than the ${MAX_TENSOR_ELEMENTS} one input may carry`,
      pathSuffix,
    );
  }
}

/**
 * Throws the TensorInputError tensorFromJson gives when `shape` does not fit the spec (rank, fixed
 * dimensions) or holds more than MAX_TENSOR_ELEMENTS, for tensors that arrive some other way.
 */
export function checkTensorShape(spec: TensorSpec, shape: readonly number[], path: string): void {
  checkShapeAgainstSpec({ spec, rules: ELEMENT_RULES[spec.dtype], requestPath: path }, shape, formatShape(shape));
}

/** The shape a nested array claims through its first elements; raggedness is caught while filling. */
export function inferNestedShape(value: unknown): number[] {
  const shape: number[] = [];
  let level = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function fillFromNested(context: DecodeContext, root: unknown[], shape: readonly number[], data: HostTensorData) {
  const { rules } = context;
  const lastAxis = shape.length - 1;
  const indices = new Array<number>(shape.length).fill(0);
  let offset = 0;

  // The shape came from the first element at every level, so each row is compared with [0], [0][0], …
  const raggedError = (depth: number, description: string) =>
    inputError(
      context,
      `has ragged nested arrays (every row must have the same length): ${indexPath(indices, depth)} ${description}`,
      indexPath(indices, depth),
    );

  const visit = (node: unknown[], depth: number): void => {
    const size = shape[depth]!;
    if (node.length !== size) {
      // Only a nested row can disagree: the outer length defined shape[0]. Its path ends one level up.
      throw raggedError(depth - 1, `has ${node.length} elements, but ${'[0]'.repeat(depth)} has ${size}`);
    }
    if (depth === lastAxis) {
      for (let i = 0; i < size; i++) {
        const element = node[i];
        if (!rules.write(data, offset, element)) {
          indices[depth] = i;
          if (Array.isArray(element)) {
            throw raggedError(depth, `is ${describeJsonValue(element)}, but ${'[0]'.repeat(depth + 1)} is a value`);
          }
          throw elementError(context, element, indexPath(indices, depth), indexPath(indices, depth));
        }
        offset++;
      }
      return;
    }
    for (let i = 0; i < size; i++) {
      const child = node[i];
      indices[depth] = i;
      if (!Array.isArray(child)) {
        throw raggedError(depth, `is ${describeJsonValue(child)}, but ${'[0]'.repeat(depth + 1)} is an array of ${shape[depth + 1]}`);
      }
      visit(child, depth + 1);
    }
  };

  visit(root, 0);
}

const TENSOR_OBJECT_KEYS = new Set(['shape', 'data', 'dtype']);

function decodeShapeAndData(context: DecodeContext, value: Record<string, unknown>): HostTensor {
  const { spec, rules } = context;
  const unexpected = Object.keys(value).find((key) => !TENSOR_OBJECT_KEYS.has(key));
  if (!('shape' in value) || !('data' in value) || unexpected !== undefined) {
    const keys = Object.keys(value);
    throw inputError(
      context,
      `expects a nested array or {"shape": [...], "data": [...]}; got an object with ${keys.length ? `keys ${keys.slice(0, 6).join(', ')}` : 'no keys'}`,
    );
  }
  if (value.dtype !== undefined && value.dtype !== spec.dtype) {
    throw inputError(context, `expects ${spec.dtype}; got dtype ${describeJsonValue(value.dtype)}`, '.dtype');
  }
  const { shape, data: flat } = value;
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && (dim as number) >= 0)) {
    throw inputError(context, `has an invalid shape ${JSON.stringify(shape)}: expected a list of non-negative integers`, '.shape');
  }
  const dims = shape as number[];
  checkShapeAgainstSpec(context, dims, formatShape(dims), '.shape');
  if (!Array.isArray(flat)) {
    throw inputError(context, `data must be a flat list of values in row-major order; got ${describeJsonValue(flat)}`, '.data');
  }
  const count = elementCount(dims);
  if (flat.length !== count) {
    if (Array.isArray(flat[0])) {
      throw inputError(context, `data must be flat (row-major, shape given separately); got an array at data[0]`, '.data[0]');
    }
    throw inputError(context, `has shape ${formatShape(dims)}, which holds ${count} values, but data has ${flat.length}`, '.data');
  }
  const data = allocateTensorData(spec.dtype, count);
  for (let i = 0; i < count; i++) {
    const element = flat[i];
    if (!rules.write(data, i, element)) {
      if (Array.isArray(element)) {
        throw inputError(context, `data must be flat (row-major, shape given separately); got an array at data[${i}]`, `.data[${i}]`);
      }
      throw elementError(context, element, `data[${i}]`, `.data[${i}]`);
    }
  }
  return { dtype: spec.dtype, shape: dims, data };
}

/**
 * Converts a JSON tensor (a nested array, a scalar, or `{ shape, data: flat[] }`) to the input's
 * dtype, checking rank, fixed dimensions and every value on the way. Symbolic dimensions
 * (strings in the spec) take any size. `requestPath` names the tensor's place in the request body
 * for `TensorInputError.path`.
 */
export function tensorFromJson(spec: TensorSpec, value: unknown, requestPath = `inputs.${spec.name}`): HostTensor {
  const context: DecodeContext = { spec, rules: ELEMENT_RULES[spec.dtype], requestPath };
  if (isPlainObject(value)) return decodeShapeAndData(context, value);

  const shape = inferNestedShape(value);
  checkShapeAgainstSpec(context, shape, shape.length === 0 ? `a single value ${describeJsonValue(value)}` : formatShape(shape));
  const data = allocateTensorData(spec.dtype, elementCount(shape));
  if (shape.length === 0) {
    if (!context.rules.write(data, 0, value)) throw elementError(context, value, '', '');
  } else {
    fillFromNested(context, value as unknown[], shape, data);
  }
  return { dtype: spec.dtype, shape, data };
}

type JsonElementReader = (data: HostTensorData, index: number) => unknown;

function finiteOrName(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

function bigIntToJson(value: bigint): number | string {
  return value <= MAX_SAFE_BIGINT && value >= -MAX_SAFE_BIGINT ? Number(value) : value.toString();
}

function jsonElementReader(dtype: TensorDtype): JsonElementReader {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return (data, index) => finiteOrName(data[index] as number);
    case 'float16':
      return (data, index) => finiteOrName(float16BitsToNumber(data[index] as number));
    case 'int64':
    case 'uint64':
      return (data, index) => bigIntToJson(data[index] as bigint);
    case 'bool':
      return (data, index) => data[index] !== 0;
    default:
      return (data, index) => data[index];
  }
}

function checkDataFillsShape(tensor: HostTensor): number {
  const count = elementCount(tensor.shape);
  if (tensor.data.length !== count) {
    throw new Error(`${tensor.dtype} tensor has ${tensor.data.length} values but its shape ${formatShape(tensor.shape)} needs ${count}`);
  }
  return count;
}

/**
 * A tensor's values as one flat JSON list in row-major order (the Open Inference Protocol's
 * `data`), written as tensorToJson writes them.
 */
export function tensorToFlatJson(tensor: HostTensor): unknown[] {
  const count = checkDataFillsShape(tensor);
  const read = jsonElementReader(tensor.dtype);
  const out = new Array<unknown>(count);
  for (let index = 0; index < count; index++) out[index] = read(tensor.data, index);
  return out;
}

/**
 * A tensor as JSON: nested arrays following the shape (a bare value for a scalar). int64 beyond
 * ±2^53-1 becomes a decimal string, non-finite floats become "NaN"/"Infinity"/"-Infinity" (JSON has
 * no literal for them), bool becomes true/false.
 */
export function tensorToJson(tensor: HostTensor): unknown {
  const { shape, data } = tensor;
  checkDataFillsShape(tensor);
  const read = jsonElementReader(tensor.dtype);
  if (shape.length === 0) return read(data, 0);
  const lastAxis = shape.length - 1;
  let offset = 0;
  const build = (depth: number): unknown[] => {
    const size = shape[depth]!;
    const out = new Array<unknown>(size);
    if (depth === lastAxis) {
      for (let i = 0; i < size; i++) out[i] = read(data, offset++);
    } else {
      for (let i = 0; i < size; i++) out[i] = build(depth + 1);
    }
    return out;
  };
  return build(0);
}

/**
 * The JSON text of row `row` of a tensor (its slice along the first dimension, without that
 * dimension): exactly `JSON.stringify(tensorToJson(slice))`, written straight from the typed array
 * for the common case of one row of numbers, so scoring a million rows does not build a million
 * arrays only to serialise them.
 */
export function tensorRowJson(tensor: HostTensor, row: number): string {
  const { shape } = tensor;
  // Called once per row and output: the row's size without building its shape.
  let size = 1;
  for (let axis = 1; axis < shape.length; axis++) size *= shape[axis]!;
  const start = row * size;
  if (shape.length <= 2 && PLAIN_NUMBER_DTYPES.has(tensor.dtype)) {
    const data = tensor.data as Float32Array;
    let text = '';
    for (let index = start; index < start + size; index++) {
      const value = data[index]!;
      if (index > start) text += ',';
      // Non-finite floats are written as their names, as tensorToJson does.
      text += Number.isFinite(value) ? String(value) : `"${finiteOrName(value)}"`;
    }
    return shape.length <= 1 ? text : `[${text}]`;
  }
  const data = Array.isArray(tensor.data) ? tensor.data.slice(start, start + size) : tensor.data.subarray(start, start + size);
  return JSON.stringify(tensorToJson({ dtype: tensor.dtype, shape: shape.slice(1), data: data as HostTensorData }));
}

/** Dtypes whose elements JSON writes as the plain number the typed array holds. */
const PLAIN_NUMBER_DTYPES: ReadonlySet<TensorDtype> = new Set(['float32', 'float64', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32']);
