/**
 * Key and token expiry is picked as a day: the key works until the end of that day, UTC (the
 * dashboard shows every time in UTC).
 */

/** "2027-01-31" → "2027-01-31T23:59:59Z", or undefined for no expiry. */
export function expiryFromDay(day: string): string | undefined {
  return day ? `${day}T23:59:59Z` : undefined;
}

/** Why the day cannot be an expiry, or undefined when it can (or is empty: no expiry). */
export function expiryDayProblem(day: string, today = todayUtc()): string | undefined {
  if (!day) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return 'Pick a date, e.g. 2027-01-31';
  if (day < today) return 'Pick today or a later day: the key would be expired already';
  return undefined;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
