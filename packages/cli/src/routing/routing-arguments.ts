import { ModelName } from '@modelgate/contracts';
import { InvalidArgumentError } from 'commander';

/** A version of a model, as `deploy`, `promote` and `rollout start` name it: `fraud@3`. */
export interface VersionReference {
  model: string;
  version: number;
}

/** How a version is printed everywhere (the API's messages too): `fraud@v3`. */
export const versionLabel = (target: VersionReference) => `${target.model}@v${target.version}`;

/** A version that gets a copy of `percent` of the requests (`--shadow fraud@3:25`). */
export interface ShadowTarget extends VersionReference {
  percent: number;
}

const VERSION_DIGITS = /^v?(\d+)$/i;

function versionNumberOf(text: string): number | undefined {
  const digits = VERSION_DIGITS.exec(text)?.[1];
  const version = Number(digits);
  return digits !== undefined && Number.isSafeInteger(version) && version >= 1 ? version : undefined;
}

/** A version number as the API numbers them; `v3` is accepted too, since that is how they are printed. */
export function parseVersionNumber(value: string): number {
  const version = versionNumberOf(value);
  if (version === undefined) throw new InvalidArgumentError('expected a version number like 3');
  return version;
}

type Reading<T> = { value: T } | { problem: string | undefined };

/**
 * `fraud@3` (or `fraud@v3`) read, or what is wrong with it (undefined when it is not shaped like
 * one at all). The model name's rule comes from the contracts, as the API's does.
 */
function readVersionReference(text: string): Reading<VersionReference> {
  const parts = text.split('@');
  if (parts.length !== 2) return { problem: undefined };
  const [model = '', versionText = ''] = parts;
  const name = ModelName.safeParse(model);
  if (!name.success) return { problem: name.error.issues[0]?.message ?? 'not a model name' };
  const version = versionNumberOf(versionText);
  if (version === undefined) return { problem: 'the version is a number of 1 or more' };
  return { value: { model, version } };
}

/** `10` or `10%`, a whole percent from 1 to 100, or undefined. */
function wholePercentOf(text: string): number | undefined {
  const digits = /^(\d+)\s*%?$/.exec(text.trim())?.[1];
  const percent = Number(digits);
  return digits !== undefined && percent >= 1 && percent <= 100 ? percent : undefined;
}

/** Commander shows the message only (after the value), so it says the shape and what is wrong. */
function refusal(expected: string, value: string, problem: string | undefined): InvalidArgumentError {
  return new InvalidArgumentError(`expected ${expected}; got "${value}"${problem ? `: ${problem}` : ''}`);
}

/** `fraud@3` (or `fraud@v3`, as versions are printed). */
export function parseVersionReference(value: string): VersionReference {
  const reading = readVersionReference(value);
  if ('problem' in reading) throw refusal('<model>@<version>, e.g. fraud@3', value, reading.problem);
  return reading.value;
}

/** `10` or `10%`: a whole percent of the traffic, 1–100. */
export function parseWholePercent(value: string): number {
  const percent = wholePercentOf(value);
  if (percent === undefined) throw refusal('a whole percent from 1 to 100, e.g. 10', value, undefined);
  return percent;
}

/** `fraud@3:25` (a copy of 25 % of the requests) or `fraud@3` (all of them). */
export function parseShadowTarget(value: string): ShadowTarget {
  const expected = '<model>@<version>[:<percent>], e.g. fraud@3:25';
  const separator = value.lastIndexOf(':');
  const reading = readVersionReference(separator === -1 ? value : value.slice(0, separator));
  if ('problem' in reading) throw refusal(expected, value, reading.problem);
  const percent = separator === -1 ? 100 : wholePercentOf(value.slice(separator + 1));
  if (percent === undefined) throw refusal(expected, value, 'the percent is a whole number from 1 to 100');
  return { ...reading.value, percent };
}

/** Repeatable `--shadow`: each occurrence adds one (after a `--no-shadow`, which made it false, too). */
export const collectShadowTarget = (value: string, shadows: ShadowTarget[] | false = []) => [...(shadows || []), parseShadowTarget(value)];

/** `--to 3`: a revision as `modelgate revisions` numbers them. */
export function parseRevisionNumber(value: string): number {
  const revision = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(revision) || revision < 1) throw new InvalidArgumentError('expected a revision number like 3 (see `modelgate revisions <endpoint>`)');
  return revision;
}

/** `--expected-revision 0`: the endpoint's active revision this change is meant for; 0 when it has none. */
export function parseExpectedRevision(value: string): number {
  const revision = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(revision)) throw new InvalidArgumentError('expected a revision number like 3 (0 for an endpoint that has none yet)');
  return revision;
}
