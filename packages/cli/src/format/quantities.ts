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
