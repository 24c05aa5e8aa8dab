import { describe, expect, it } from 'vitest';
import { parseExpiry } from './expiry.js';

const NOW = Date.parse('2026-11-29T10:00:00Z');

describe('parseExpiry', () => {
  it('reads durations, dates (their start, UTC) and zoned date-times as ISO date-times', () => {
    expect(parseExpiry('30d', NOW)).toBe('2026-12-29T10:00:00.000Z');
    expect(parseExpiry('12h', NOW)).toBe('2026-11-29T22:00:00.000Z');
    expect(parseExpiry('2027-01-31', NOW)).toBe('2027-01-31T00:00:00.000Z');
    expect(parseExpiry('2027-01-31T18:00:00+01:00', NOW)).toBe('2027-01-31T17:00:00.000Z');
  });

  it('refuses the past, zero durations, unzoned times and nonsense, saying what it expects', () => {
    expect(() => parseExpiry('2026-01-01', NOW)).toThrow('that moment has passed: an expiry must be in the future');
    expect(() => parseExpiry('0d', NOW)).toThrow('expected a duration of at least 1, like 30d or 12h');
    expect(() => parseExpiry('2027-01-31T18:00:00', NOW)).toThrow('a date-time with a zone');
    expect(() => parseExpiry('next week', NOW)).toThrow('expected 30d, 12h, a date like 2027-01-31');
    expect(() => parseExpiry('2027-02-31', NOW)).toThrow('not a real date');
  });
});
