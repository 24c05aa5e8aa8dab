import { rowShapeOf, type BatchFileFormat, type BatchMapping, type Dim, type Signature, type TensorSpec } from '@modelgate/contracts';
import { ProblemException } from '../common/problem.exception.js';

/**
 * Which column(s) feed each input, resolved once from the CSV header (or the first JSONL line's
 * fields) against the signature of the version that serves the job, and stored with the job so
 * every worker reads every row the same way:
 * - a mapping given names, per input, one column holding a JSON value per row or several columns
 *   holding one number each (a vector, in that order);
 * - otherwise each input is read from the column named after it;
 * - otherwise a model with ONE input taking a vector per row ([N, F]) takes all the columns, in
 *   order.
 * Anything that cannot work for any row is refused here, before a row is scored.
 */
export function resolveMapping(signature: Signature, columns: readonly string[], given: BatchMapping | undefined, format: BatchFileFormat): BatchMapping {
  const words = format === 'csv' ? { column: 'column', where: `the header (${list(columns)})` } : { column: 'field', where: `the first line's fields (${list(columns)})` };
  const inputNames = signature.inputs.map((input) => input.name);
  if (format === 'csv') {
    const seen = new Set<string>();
    for (const column of columns) {
      if (seen.has(column)) throw refused(`the header names column "${column}" twice: each column needs its own name`);
      seen.add(column);
    }
  }

  if (given) {
    const unknown = Object.keys(given).filter((name) => !inputNames.includes(name));
    if (unknown.length > 0) throw refused(`the mapping names ${unknown.length === 1 ? 'an input' : 'inputs'} the model does not have: ${list(unknown)} (its inputs: ${list(inputNames)})`);
    const unmapped = inputNames.filter((name) => given[name] === undefined);
    if (unmapped.length > 0) throw refused(`the mapping gives no ${words.column} for ${plural(unmapped, 'input')} ${list(unmapped)}: map every input (${list(inputNames)})`);
    for (const input of signature.inputs) {
      const source = given[input.name]!;
      for (const column of typeof source === 'string' ? [source] : source) {
        if (!columns.includes(column)) throw refused(`${words.column} "${column}" (mapped to input "${input.name}") is not in ${words.where}`);
      }
      if (Array.isArray(source)) checkVector(input, source.length, `the mapping names ${source.length} ${words.column}s for it`);
    }
    return given;
  }

  const mapping: BatchMapping = {};
  for (const input of signature.inputs) {
    if (columns.includes(input.name)) {
      mapping[input.name] = input.name;
      continue;
    }
    if (signature.inputs.length === 1 && vectorWidth(input) !== null) {
      checkVector(input, columns.length, `${words.where.replace(/ \(.*$/, '')} has ${columns.length} ${words.column}s (${list(columns)}); give "mapping": {"${input.name}": [the ${words.column}s in order]}`);
      mapping[input.name] = [...columns];
      continue;
    }
    throw refused(
      `no ${words.column} is named after input "${input.name}" in ${words.where}: name a ${words.column} after each input (${list(inputNames)}) or give "mapping": {"<input>": "<${words.column}>" or ["<${words.column}>", …]}`,
    );
  }
  return mapping;
}

/** The length of the vector one row holds for an input, or null when a row holds something else. */
function vectorWidth(input: TensorSpec): Dim | null {
  const shape = rowShapeOf(input) ?? input.shape;
  return shape.length === 1 ? shape[0]! : null;
}

function checkVector(input: TensorSpec, count: number, what: string) {
  const width = vectorWidth(input);
  const perRow = rowShapeOf(input) ?? input.shape;
  if (width === null) {
    throw refused(`input "${input.name}" takes [${perRow.join(',')}] per row, not one number per column: map it to one column holding a JSON array`);
  }
  if (typeof width === 'number' && width !== count) throw refused(`input "${input.name}" takes ${width} values per row, but ${what}`);
}

const refused = (detail: string) => ProblemException.badInput(detail, [{ path: 'body.spec.mapping', message: detail }]);
const list = (names: readonly string[]) => (names.length > 12 ? `${names.slice(0, 12).join(', ')}, … ${names.length - 12} more` : names.join(', '));
const plural = (names: readonly string[], noun: string) => (names.length === 1 ? noun : `${noun}s`);
