import { rowShapeOf, type BatchMapping, type Signature } from '@modelgate/contracts';
import { allocateTensorData, type HostTensor, type NumericTensorData } from '@modelgate/runtime/tensors';
import type { ChunkRows, UnquotedRecords } from './chunk-reader.js';

/** The rows of a chunk read into batched tensors: row `index` of the tensors is chunk row `rows[index]`. */
export interface TensorRows {
  inputs: Record<string, HostTensor>;
  /** Chunk rows in the tensors, in order. */
  rows: number[];
  /** Chunk rows these tensors could not take (a cell that is not a plain number, a short line): read one by one instead. */
  others: number[];
}

interface ColumnInput {
  name: string;
  dtype: NumericDtypeReadHere;
  /** Header positions of the input's columns, in order: one per element of a row. */
  columns: number[];
  /** The input's shape, the rows' dimension first. */
  shape: (rows: number) => number[];
  /** Whether a value fits the dtype exactly (integers in range for the integer dtypes). */
  fits: (value: number) => boolean;
}

/** Dtypes whose elements are plain numbers written as JSON numbers in a CSV cell. */
type NumericDtypeReadHere = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32';

const FITS: Record<NumericDtypeReadHere, (value: number) => boolean> = {
  // A finite number past float32's range would silently become Infinity: RowInputReader refuses it, with its reason.
  float32: (value) => Number.isFinite(Math.fround(value)),
  float64: Number.isFinite,
  int8: (value) => Number.isInteger(value) && value >= -128 && value <= 127,
  int16: (value) => Number.isInteger(value) && value >= -32768 && value <= 32767,
  int32: (value) => Number.isInteger(value) && value >= -2147483648 && value <= 2147483647,
  uint8: (value) => Number.isInteger(value) && value >= 0 && value <= 255,
  uint16: (value) => Number.isInteger(value) && value >= 0 && value <= 65535,
  uint32: (value) => Number.isInteger(value) && value >= 0 && value <= 4294967295,
};

/**
 * Reads CSV rows column-wise straight into the batched tensors a model runs on — one typed array
 * per input for the whole chunk — instead of building each row's inputs as JSON and decoding them
 * one by one. It serves the common layout only: every input a batchable number tensor whose row is
 * one number per column (a vector spread over columns, or a scalar in one column), and every cell
 * a plain JSON number. Anything else (`for` gives null) and any row it cannot take (`others`) is
 * read by RowInputReader as before, so the rows' results and errors are the same either way.
 */
export class CsvTensorReader {
  /** Every cell the inputs take, in column order (a column may feed several): how fillFromBytes walks a record once. */
  private readonly cellsByColumn: { input: number; element: number; column: number }[];

  private constructor(private readonly inputs: ColumnInput[]) {
    this.cellsByColumn = inputs
      .flatMap((input, position) => input.columns.map((column, element) => ({ input: position, element, column })))
      .sort((left, right) => left.column - right.column);
  }

  /** A reader for this mapping, signature and header, or null when they are not the layout it serves. */
  static for(mapping: BatchMapping, signature: Signature, header: ReadonlyMap<string, number>): CsvTensorReader | null {
    if (!signature.batchable) return null;
    const inputs: ColumnInput[] = [];
    for (const input of signature.inputs) {
      const rowShape = rowShapeOf(input);
      const source = mapping[input.name];
      if (rowShape === null || source === undefined || !(input.dtype in FITS)) return null;
      const names = typeof source === 'string' ? [source] : source;
      // One column: a scalar per row. Several: a vector of exactly that many numbers per row.
      const layoutFits = typeof source === 'string' ? rowShape.length === 0 : rowShape.length === 1 && (typeof rowShape[0] === 'string' || rowShape[0] === names.length);
      const columns = names.map((name) => header.get(name));
      if (!layoutFits || columns.some((column) => column === undefined)) return null;
      const dtype = input.dtype as NumericDtypeReadHere;
      inputs.push({
        name: input.name,
        dtype,
        columns: columns as number[],
        shape: typeof source === 'string' ? (rows) => [rows] : (rows) => [rows, names.length],
        fits: FITS[dtype],
      });
    }
    return inputs.length > 0 ? new CsvTensorReader(inputs) : null;
  }

  read(chunk: ChunkRows): TensorRows {
    const data = this.inputs.map((input) => allocateTensorData(input.dtype, chunk.count * input.columns.length) as NumericTensorData as Float64Array);
    const rows: number[] = [];
    const others: number[] = [];
    const { unquoted } = chunk;
    for (let index = 0; index < chunk.count; index++) {
      let filled: boolean;
      if (unquoted) filled = this.fillFromBytes(unquoted, index, rows.length, data);
      else {
        const row = chunk.row(index);
        filled = 'fields' in row && this.fill(row.fields, rows.length, data);
      }
      if (filled) rows.push(index);
      else others.push(index);
    }
    const inputs: Record<string, HostTensor> = {};
    this.inputs.forEach((input, position) => {
      inputs[input.name] = { dtype: input.dtype, shape: input.shape(rows.length), data: data[position]!.subarray(0, rows.length * input.columns.length) };
    });
    return { inputs, rows, others };
  }

  /** Writes one row's numbers at tensor row `at`; false (the row left to RowInputReader) at the first cell that is not a plain number fitting its dtype. */
  private fill(fields: readonly string[], at: number, data: Float64Array[]): boolean {
    for (let position = 0; position < this.inputs.length; position++) {
      const { columns, fits } = this.inputs[position]!;
      const target = data[position]!;
      let offset = at * columns.length;
      for (const column of columns) {
        if (column >= fields.length) return false;
        const value = jsonNumber(fields[column]!);
        if (!fits(value)) return false;
        target[offset++] = value;
      }
    }
    return true;
  }

  /**
   * As `fill`, reading the record's numbers straight from its bytes: no string per cell, no array
   * per row. Each column's cell is found by counting commas; the same cells are taken or left.
   */
  private fillFromBytes(records: UnquotedRecords, record: number, at: number, data: Float64Array[]): boolean {
    const { bytes } = records;
    const end = records.ends[record]!;
    let field = 0;
    let fieldStart = records.starts[record]!;
    let fieldEnd = endOfField(bytes, fieldStart, end);
    for (const { input, element, column } of this.cellsByColumn) {
      while (field < column) {
        if (fieldEnd >= end) return false;
        field++;
        fieldStart = fieldEnd + 1;
        fieldEnd = endOfField(bytes, fieldStart, end);
      }
      const value = bytesJsonNumber(bytes, fieldStart, fieldEnd);
      const { fits, columns } = this.inputs[input]!;
      if (!fits(value)) return false;
      data[input]![at * columns.length + element] = value;
    }
    return true;
  }
}

const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

const isDigit = (code: number) => code >= ZERO && code <= NINE;

/**
 * The value of a cell written exactly as a JSON number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`),
 * NaN for anything else: RowInputReader reads cells with JSON.parse, so a cell taken here must be
 * one JSON.parse reads as the same number (`Number` alone would also take "0x1F", ".5" or "").
 * Read as bytesJsonNumber reads a cell of an unquoted chunk: one grammar for both (this path
 * serves only chunks csv-parse had to read, so encoding the cell costs little).
 */
export function jsonNumber(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return bytesJsonNumber(bytes, 0, bytes.length);
}

const COMMA = 0x2c;

/** Where the field starting at `start` ends: its comma, or the record's end. */
function endOfField(bytes: Buffer, start: number, end: number): number {
  const comma = bytes.indexOf(COMMA, start);
  return comma === -1 || comma > end ? end : comma;
}

/** Powers of ten a double holds exactly (10^22 is the largest). */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, power) => 10 ** power);

/**
 * The JSON number in bytes [start, end) (see jsonNumber), without making a string of it. Most cells
 * (at most 15 significant digits, a decimal exponent within ±22) are computed exactly as one
 * correctly rounded multiplication or division of two exactly held numbers (Clinger's fast path,
 * the same value JSON.parse gives); any other valid number is handed to Number.
 */
export function bytesJsonNumber(bytes: Buffer, start: number, end: number): number {
  let index = start;
  const negative = bytes[index] === MINUS;
  if (negative) index++;
  if (index >= end) return Number.NaN;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  const first = bytes[index]!;
  if (first === ZERO) index++;
  else if (isDigit(first)) {
    for (; index < end && isDigit(bytes[index]!); index++) {
      mantissa = mantissa * 10 + (bytes[index]! - ZERO);
      digits++;
    }
  } else return Number.NaN;
  if (index < end && bytes[index] === DOT) {
    index++;
    const fractionStart = index;
    for (; index < end && isDigit(bytes[index]!); index++) {
      if (mantissa !== 0 || bytes[index] !== ZERO) digits++;
      mantissa = mantissa * 10 + (bytes[index]! - ZERO);
      scale++;
    }
    if (index === fractionStart) return Number.NaN;
  }
  if (index < end && (bytes[index] === LOWER_E || bytes[index] === UPPER_E)) {
    index++;
    let exponentNegative = false;
    if (index < end && (bytes[index] === PLUS || bytes[index] === MINUS)) exponentNegative = bytes[index++] === MINUS;
    const exponentStart = index;
    let exponent = 0;
    for (; index < end && isDigit(bytes[index]!); index++) exponent = Math.min(exponent * 10 + (bytes[index]! - ZERO), 1e6);
    if (index === exponentStart) return Number.NaN;
    scale += exponentNegative ? exponent : -exponent;
  }
  if (index !== end) return Number.NaN;
  if (digits > 15 || scale > 22 || scale < -22) return Number(bytes.toString('latin1', start, end));
  const magnitude = scale >= 0 ? mantissa / EXACT_POWERS_OF_TEN[scale]! : mantissa * EXACT_POWERS_OF_TEN[-scale]!;
  return negative ? -magnitude : magnitude;
}
