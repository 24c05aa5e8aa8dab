import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import type { SampleInput, VersionMetadata } from '@modelgate/contracts';
import { InvalidArgumentError } from 'commander';
import { CliError } from '../cli-error.js';

export interface UploadMetadataOptions {
  description?: string;
  tag?: string[];
  metrics?: Record<string, unknown>;
  sampleInput?: string;
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
};

function fileProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  return (code && FILE_PROBLEMS[code]) ?? (error instanceof Error ? error.message : String(error));
}

/** `--metrics '{"accuracy": 0.97}'`: a JSON object, or a usage error saying what was wrong. */
export function parseMetricsOption(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`not valid JSON (${(error as Error).message}); expected an object like '{"accuracy": 0.97}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`expected a JSON object like '{"accuracy": 0.97}'`);
  }
  return parsed as Record<string, unknown>;
}

/** Repeatable `--tag`: each occurrence adds one. */
export const collectTag = (tag: string, tags: string[] = []) => [...tags, tag];

/**
 * Checked before anything is sent, so a typo in the path costs nothing and the message names it.
 * (The SDK checks again when it opens the file: the file could vanish in between.)
 */
export async function assertReadableModelFile(filePath: string): Promise<void> {
  try {
    const stats = await stat(filePath);
    if (stats.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    await access(filePath, constants.R_OK);
  } catch (error) {
    throw new CliError(`cannot read the model file ${filePath}: ${fileProblem(error)}`);
  }
}

/** The file of `--sample-input`: a prediction request, `{"inputs": {"<input name>": tensor, …}}`. */
export async function readSampleInputFile(filePath: string): Promise<SampleInput> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the sample input file ${filePath}: ${fileProblem(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`the sample input file ${filePath} is not valid JSON: ${(error as Error).message}`);
  }
  const inputs = (parsed as { inputs?: unknown } | null)?.inputs;
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    throw new CliError(`the sample input file ${filePath} must hold a prediction request: {"inputs": {"<input name>": tensor, …}}`);
  }
  // Checked against the model's signature by the API, which knows it.
  return parsed as SampleInput;
}

/** The `metadata` form field from the options given, or undefined when none was. */
export async function buildUploadMetadata(options: UploadMetadataOptions): Promise<VersionMetadata | undefined> {
  const metadata: VersionMetadata = {};
  if (options.description !== undefined) metadata.description = options.description;
  if (options.tag?.length) metadata.tags = options.tag;
  if (options.metrics !== undefined) metadata.metrics = options.metrics;
  if (options.sampleInput !== undefined) metadata.sampleInput = await readSampleInputFile(options.sampleInput);
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}
