import type { AuditOutcome, AuditQuery } from '@modelgate/contracts';

/** The audit page's filters as they appear in its address (`?action=…&from=2026-11-01`). */
export interface AuditFilters {
  action: string;
  actor: string;
  target: string;
  outcome: '' | AuditOutcome;
  /** Days, UTC, both included. */
  from: string;
  to: string;
}

const OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'throttled'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readAuditFilters(params: Record<string, string | string[] | undefined>): AuditFilters {
  const text = (key: string) => {
    const value = params[key];
    return typeof value === 'string' ? value.trim() : '';
  };
  const outcome = text('outcome');
  const day = (key: string) => (DAY.test(text(key)) ? text(key) : '');
  return {
    action: text('action'),
    actor: text('actor'),
    target: text('target'),
    outcome: OUTCOMES.includes(outcome as AuditOutcome) ? (outcome as AuditOutcome) : '',
    from: day('from'),
    to: day('to'),
  };
}

/** The API query: days become instants, and `to` the start of the next day (the API's `to` is exclusive). */
export function auditQueryOf(filters: AuditFilters): AuditQuery {
  return {
    action: filters.action || undefined,
    actor: filters.actor || undefined,
    target: filters.target || undefined,
    outcome: filters.outcome || undefined,
    from: filters.from ? `${filters.from}T00:00:00Z` : undefined,
    to: filters.to ? nextDay(filters.to) : undefined,
  };
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().replace('.000Z', 'Z');
}

export function hasFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value !== '');
}
