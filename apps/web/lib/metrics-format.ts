/**
 * How latency and traffic numbers read in the dashboard. Precision follows what the numbers can
 * carry: percentiles come from histogram buckets about 19 % wide, so a third digit would be noise.
 */

const NONE = '—';

/** Milliseconds: `0.42 ms`, `4.2 ms`, `42 ms`, `1.2 s`; a dash when nothing was answered. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms >= 1000) return `${trim(ms / 1000, ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${trim(ms, 1)} ms`;
  return `${trim(ms, 2)} ms`;
}

/** Requests per second, without unit: `0`, `0.07`, `2.4`, `1,250`. */
export function formatRps(rps: number): string {
  if (rps === 0) return '0';
  if (rps < 0.01) return '<0.01';
  if (rps < 1) return trim(rps, 2);
  if (rps < 100) return trim(rps, 1);
  return Math.round(rps).toLocaleString('en-US');
}

/** A fraction as a percentage: `0 %`, `<0.1 %`, `2.5 %`; a dash when there were no requests. */
export function formatErrorRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return NONE;
  if (rate === 0) return '0 %';
  if (rate < 0.001) return '<0.1 %';
  return `${trim(rate * 100, rate >= 0.1 ? 0 : 1)} %`;
}

/** A mean batch size: `1`, `3.4`. */
export function formatBatchSize(size: number | null | undefined): string {
  if (size === null || size === undefined) return NONE;
  return trim(size, 1);
}

/** A step length in words: `minute`, `5 minutes`, `hour`. */
export function formatStep(seconds: number): string {
  const [size, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return size === 1 ? unit : `${size} ${unit}s`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** At most `digits` decimals, without trailing zeros. */
function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/**
 * The share of shadow answers that agreed with the caller's: `100 %`, `99.5 %`, `0 %`. Rounded
 * down, so one disagreement in a thousand never reads as a perfect `100 %`.
 */
export function formatAgreement(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return NONE;
  if (share >= 1) return '100 %';
  return `${trim(Math.floor(share * 1000) / 10, 1)} %`;
}

/** The largest absolute difference between two answers' values: `0`, `0.0031`, `2.4e-7`, `12.5`. */
export function formatAbsDiff(diff: number | null | undefined): string {
  if (diff === null || diff === undefined || !Number.isFinite(diff)) return NONE;
  if (diff === 0) return '0';
  if (diff < 0.001) return diff.toExponential(1);
  return String(Number(diff.toPrecision(3)));
}
