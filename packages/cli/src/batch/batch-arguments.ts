import { BatchFileFormat, BatchJobSpec, BatchJobStatus, type BatchMapping } from '@modelgate/contracts';
import { InvalidArgumentError } from 'commander';
import { CliError, EXIT_USAGE } from '../cli-error.js';
import type { VersionReference } from '../routing/routing-arguments.js';

/** Options of `modelgate batch submit` as commander fills them in. */
export interface BatchSubmitOptions {
  endpoint?: string;
  /** `--model fraud@3`: a pinned version instead of an endpoint's routing. */
  model?: VersionReference;
  mapping?: BatchMapping;
  format?: BatchFileFormat;
  chunkSize?: number;
  errorBudget?: number;
  wait?: boolean;
  quiet?: boolean;
}

const MAPPING_SHAPE = '<input>=<column>[,<column>…], e.g. x=a,b,c or features=features_json';

/**
 * One `--mapping` value added to the ones before it: `x=a,b,c` (three columns, one number each, in
 * order), `x=features` (one column holding a JSON value), or a whole JSON object as the API takes it.
 */
export function collectMapping(value: string, previous: BatchMapping | undefined): BatchMapping {
  const mapping: BatchMapping = { ...previous };
  const text = value.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InvalidArgumentError(`not valid JSON: ${(error as Error).message}`);
    }
    const checked = BatchJobSpec.safeParse({ endpoint: 'mapping-check', mapping: parsed });
    if (!checked.success) {
      throw new InvalidArgumentError('expected a JSON object of input name → column name or list of column names, e.g. {"x": ["a", "b", "c"]}');
    }
    return { ...mapping, ...(parsed as BatchMapping) };
  }
  const separator = text.indexOf('=');
  const input = text.slice(0, separator).trim();
  const columns = text
    .slice(separator + 1)
    .split(',')
    .map((column) => column.trim());
  if (separator <= 0 || columns.some((column) => column === '')) throw new InvalidArgumentError(`expected ${MAPPING_SHAPE}; got "${value}"`);
  if (Object.hasOwn(mapping, input)) throw new InvalidArgumentError(`input "${input}" is mapped twice: give each input one --mapping`);
  // One column is a JSON value per cell; several are one number each (the API's rule).
  mapping[input] = columns.length === 1 ? (columns[0] as string) : columns;
  return mapping;
}

/** `--chunk-size 1000`: rows per chunk (one worker job each), as the API bounds it. */
export function parseChunkSize(value: string): number {
  const bounds = BatchJobSpec.safeParse({ endpoint: 'size-check', chunkSize: Number(value) });
  if (!/^\d+$/.test(value.trim()) || !bounds.success) throw new InvalidArgumentError(`expected a whole number of rows from 1 to 100,000; got "${value}"`);
  return Number(value);
}

export function parseBatchFormat(value: string): BatchFileFormat {
  const format = BatchFileFormat.safeParse(value.trim().toLowerCase());
  if (!format.success) throw new InvalidArgumentError(`expected csv or jsonl; got "${value}"`);
  return format.data;
}

/**
 * The JSON `spec` field: an endpoint or a pinned version (exactly one: commander refuses both; none
 * is refused here, as a usage error), and only the options given (the API has the defaults).
 */
export function batchJobSpecOf(options: BatchSubmitOptions): BatchJobSpec {
  if (options.endpoint === undefined && options.model === undefined) {
    throw new CliError('say where the rows go: --endpoint <endpoint> (its routing picks the version), or --model <model>@<version> (one pinned version)', {
      exitCode: EXIT_USAGE,
    });
  }
  return {
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.model !== undefined ? { model: options.model.model, version: options.model.version } : {}),
    ...(options.format !== undefined ? { format: options.format } : {}),
    ...(options.mapping !== undefined ? { mapping: options.mapping } : {}),
    ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}),
    ...(options.errorBudget !== undefined ? { errorBudget: options.errorBudget } : {}),
  };
}

export function parseBatchJobStatus(value: string): BatchJobStatus {
  const status = BatchJobStatus.safeParse(value.trim().toLowerCase());
  if (!status.success) throw new InvalidArgumentError(`expected one of ${BatchJobStatus.options.join(', ')}; got "${value}"`);
  return status.data;
}

/** `--limit 50`: how many items a page holds, up to `max` (the API's bound for that list). */
export function pageLimitParser(max: number): (value: string) => number {
  return (value) => {
    const limit = Number(value);
    if (!/^\d+$/.test(value.trim()) || limit < 1 || limit > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max.toLocaleString('en-US')}; got "${value}"`);
    return limit;
  };
}
