import { InvalidArgumentError } from 'commander';

const RELATIVE = /^(\d+)([dh])$/;
const HOURS = { h: 1, d: 24 } as const;

/**
 * `--expires`: `30d` or `12h` from now, a date (`2027-01-31`, meaning its start, 00:00 UTC), or an
 * ISO 8601 date-time with a zone (`2027-01-31T18:00:00+01:00`). Answers the ISO date-time the API
 * expects; a moment in the past is refused here rather than by the API.
 */
export function parseExpiry(value: string, now: number = Date.now()): string {
  const relative = RELATIVE.exec(value.trim());
  let at: number;
  if (relative) {
    const amount = Number(relative[1]);
    if (amount < 1) throw new InvalidArgumentError('expected a duration of at least 1, like 30d or 12h');
    at = now + amount * HOURS[relative[2] as keyof typeof HOURS] * 3_600_000;
  } else if (/^\d{4}-\d\d-\d\d$/.test(value)) {
    at = Date.parse(`${value}T00:00:00Z`);
    // Date.parse rolls 2027-02-31 over to March 3 rather than refusing it.
    if (!Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) !== value) at = Number.NaN;
  } else if (/^\d{4}-\d\d-\d\dT.+(Z|[+-]\d\d:?\d\d)$/i.test(value)) {
    at = Date.parse(value);
  } else {
    throw new InvalidArgumentError('expected 30d, 12h, a date like 2027-01-31, or a date-time with a zone like 2027-01-31T18:00:00Z');
  }
  if (Number.isNaN(at)) throw new InvalidArgumentError('not a real date');
  if (at <= now) throw new InvalidArgumentError('that moment has passed: an expiry must be in the future');
  return new Date(at).toISOString();
}
