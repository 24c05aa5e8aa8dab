import type { MetricsRange } from '@modelgate/contracts';

/**
 * The time axis of the latency and traffic charts, in the viewer's own time zone: the charts are
 * drawn in the browser only, so unlike the server-rendered dates elsewhere nothing has to agree
 * with a server render, and "14:05" should mean the clock on the viewer's wall.
 */

const MINUTE = 60_000;

/** Ticks fall on round times: every 5 minutes over 15 minutes, every 4 hours over a day… */
const TICK_EVERY_MINUTES: Record<MetricsRange, number> = {
  '15m': 5,
  '1h': 15,
  '24h': 4 * 60,
  '7d': 24 * 60,
};

/** Round local times between `fromMs` and `toMs` (inclusive) to put ticks on. */
export function timeTicks(range: MetricsRange, fromMs: number, toMs: number): number[] {
  const every = TICK_EVERY_MINUTES[range];
  const first = new Date(fromMs);
  first.setSeconds(0, 0);
  if (every >= 24 * 60) {
    // Local midnights, stepped by calendar day so a daylight-saving change keeps them at 00:00.
    first.setHours(0, 0);
    if (first.getTime() < fromMs) first.setDate(first.getDate() + 1);
    const ticks: number[] = [];
    for (const day = first; day.getTime() <= toMs; day.setDate(day.getDate() + 1)) ticks.push(day.getTime());
    return ticks;
  }
  const minuteOfDay = first.getHours() * 60 + first.getMinutes();
  first.setHours(0, Math.ceil(minuteOfDay / every) * every);
  if (first.getTime() < fromMs) first.setTime(first.getTime() + every * MINUTE);
  const ticks: number[] = [];
  for (let t = first.getTime(); t <= toMs; t += every * MINUTE) ticks.push(t);
  return ticks;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const day = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const clockWithSeconds = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** A tick's label: the time of day, or the day over a week. */
export function tickLabel(range: MetricsRange, t: number): string {
  return range === '7d' ? day.format(t) : clock.format(t);
}

/** A tooltip's heading: the step's start, with the day once a range spans days. */
export function stepLabel(range: MetricsRange, t: number): string {
  return range === '15m' || range === '1h' ? clock.format(t) : dayAndClock.format(t);
}

/** "Updated 14:05:09". */
export function updatedLabel(t: number): string {
  return clockWithSeconds.format(t);
}
