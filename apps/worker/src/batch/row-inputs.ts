import { rowShapeOf, type BatchMapping, type Signature, type TensorDtype } from '@modelgate/contracts';

/** How one input is read from a row: from which column(s), and whether the row is one item of a batch. */
interface InputReading {
  name: string;
  dtype: TensorDtype;
  /** One column holding a JSON value, or several holding one number each (a vector, in order). */
  source: string | string[];
  /** The row holds one batch item: it is sent as a batch of one. */
  batchOfOne: boolean;
}

/** A row's inputs, ready for EndpointScorer, or why the row cannot be scored. */
export type RowInputs = { ok: true; inputs: Record<string, unknown> } | { ok: false; error: string };

/**
 * Turns the rows of a batch file into predict-style inputs with the job's mapping, against the
 * signature of the target's primary version. Every mistake is the row's own (a missing column, a
 * cell of the wrong type) and is said in words; shapes and dtypes are checked later by the scorer
 * against the version that scores the row.
 */
export class RowInputReader {
  private readonly readings: InputReading[];
  /** Outputs whose first dimension is the batch's: a batch of one comes back without it. */
  private readonly batchedOutputs: Set<string>;
  private readonly rowsAreBatchItems: boolean;

  constructor(mapping: BatchMapping, signature: Signature) {
    this.readings = signature.inputs.map((input) => {
      const source = mapping[input.name];
      if (source === undefined) throw new Error(`the job's mapping names no column for input "${input.name}"`);
      return { name: input.name, dtype: input.dtype, source, batchOfOne: rowShapeOf(input) !== null };
    });
    this.rowsAreBatchItems = this.readings.some((reading) => reading.batchOfOne);
    this.batchedOutputs = new Set(signature.outputs.flatMap((output) => (output.isTensor && rowShapeOf(output) !== null ? [output.name] : [])));
  }

  /** A CSV record: `fields` in the order of `header`. */
  fromCsv(header: ReadonlyMap<string, number>, fields: readonly string[]): RowInputs {
    return this.read((column) => {
      const index = header.get(column);
      if (index === undefined) return { missing: `column "${column}" is not in the header` };
      if (index >= fields.length) return { missing: `column "${column}" is missing: the line has ${fields.length} of ${header.size} fields` };
      return { text: fields[index]! };
    }, 'column');
  }

  /** A JSONL line, already parsed. */
  fromJson(object: Record<string, unknown>): RowInputs {
    return this.read((field) => (Object.hasOwn(object, field) ? { value: object[field] } : { missing: `field "${field}" is missing` }), 'field');
  }

  /** Outputs of a row scored as a batch of one, without that batch dimension. */
  rowOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
    if (!this.rowsAreBatchItems) return outputs;
    return Object.fromEntries(
      Object.entries(outputs).map(([name, value]) => [name, this.batchedOutputs.has(name) && Array.isArray(value) && value.length === 1 ? value[0] : value]),
    );
  }

  private read(cell: (name: string) => Cell, kind: 'column' | 'field'): RowInputs {
    const inputs: Record<string, unknown> = {};
    for (const reading of this.readings) {
      let value: unknown;
      if (typeof reading.source === 'string') {
        const found = cell(reading.source);
        if ('missing' in found) return { ok: false, error: found.missing };
        const parsed = 'text' in found ? jsonCell(found.text, reading.dtype) : { value: found.value };
        if ('error' in parsed) return { ok: false, error: `${kind} "${reading.source}" ${parsed.error}` };
        value = parsed.value;
      } else {
        const vector: unknown[] = [];
        for (const name of reading.source) {
          const found = cell(name);
          if ('missing' in found) return { ok: false, error: found.missing };
          const element = 'text' in found ? scalarCell(found.text, reading.dtype) : scalarValue(found.value, reading.dtype);
          if ('error' in element) return { ok: false, error: `${kind} "${name}" ${element.error}` };
          vector.push(element.value);
        }
        value = vector;
      }
      inputs[reading.name] = reading.batchOfOne ? [value] : value;
    }
    return { ok: true, inputs };
  }
}

type Cell = { text: string } | { value: unknown } | { missing: string };
type Parsed = { value: unknown } | { error: string };

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
const shown = (text: string) => JSON.stringify(clip(text));

/** A cell holding a JSON value (number, array, …); for string inputs, plain text is the string itself. */
function jsonCell(text: string, dtype: TensorDtype): Parsed {
  if (text.trim() === '') return { error: 'is empty' };
  try {
    return { value: JSON.parse(text) };
  } catch {
    if (dtype === 'string') return { value: text };
    return { error: `holds ${shown(text)}: expected a number or a JSON array` };
  }
}

/** A cell holding one element of a vector: a number (true/false for bool inputs), or any text for string inputs. */
function scalarCell(text: string, dtype: TensorDtype): Parsed {
  if (dtype === 'string') return { value: text };
  if (text.trim() === '') return { error: 'is empty' };
  // An integer cell for an int64 input stays a decimal string: beyond 2^53 a JavaScript number would change it.
  if ((dtype === 'int64' || dtype === 'uint64') && /^-?\d+$/.test(text.trim())) return { value: text.trim() };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: `holds ${shown(text)}: expected a number` };
  }
  return scalarValue(value, dtype, () => shown(text));
}

/** `shownAs` says how the value appears in an error: the cell's text quoted, or the JSON value as written. */
function scalarValue(value: unknown, dtype: TensorDtype, shownAs = () => clip(JSON.stringify(value) ?? String(value))): Parsed {
  if (dtype === 'string') return typeof value === 'string' ? { value } : { error: `holds ${shownAs()}: expected a string` };
  if (typeof value === 'number' || typeof value === 'boolean') return { value };
  // int64 may come as a decimal string (outside JavaScript's safe range), as in predict requests.
  if (typeof value === 'string' && /^-?\d+$/.test(value) && (dtype === 'int64' || dtype === 'uint64')) return { value };
  return { error: `holds ${shownAs()}: expected a number` };
}
