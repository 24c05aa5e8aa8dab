const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 632 B, 25.8 KiB, 1.5 GiB: binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

export function formatSpeed(bytes: number, elapsedMs: number): string {
  return `${formatBytes(Math.round((bytes * 1000) / Math.max(elapsedMs, 1)))}/s`;
}

/** Whole percent, never 100 before the last byte (a rounded 99.6 would claim a finished upload). */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0 || part >= whole) return 100;
  return Math.min(99, Math.floor((part * 100) / whole));
}

/** `2026-11-28 23:04` in the reader's time zone: enough to tell versions apart in a table. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** The first characters of a sha256, enough to recognise it (as git shortens commit ids). */
export const shortSha256 = (sha256: string) => `${sha256.slice(0, 8)}…`;

/** `10:12:03` in the reader's time zone: when things happen seconds apart (a rollout's checks). */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toTimeString().slice(0, 8);
}

/** `45s`, `5m`, `1m 12s`, `2h 5m`, `3d 4h`: the two largest units, zeros left out. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const first = units.findIndex(([size]) => whole >= size);
  if (first === -1) return '0s';
  const parts: string[] = [];
  let rest = whole;
  for (const [size, unit] of units.slice(first, first + 2)) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) parts.push(`${amount}${unit}`);
  }
  return parts.join(' ');
}

/** A share from 0 to 1 as a percent with at most two decimals: `1 %`, `0.5 %`, `2.38 %`. */
export function formatRate(rate: number): string {
  return `${Number((rate * 100).toFixed(2))} %`;
}

/** A latency: one decimal under 10 ms (`2.4 ms`), whole milliseconds above (`48 ms`). */
export function formatMilliseconds(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** `1,204`: counts people read at a glance. */
export const formatCount = (count: number) => count.toLocaleString('en-US');
