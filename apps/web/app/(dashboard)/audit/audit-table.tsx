'use client';

import type { AuditEvent, AuditList, AuditOutcome, Problem } from '@modelgate/contracts';
import { Fragment, useState } from 'react';
import { Badge, type BadgeTone } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ProblemAlert } from '@/components/problem-alert';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { callApi, PROXY_BASE } from '@/lib/browser-api';
import { formatDateTime } from '@/lib/format';

const outcomeTone: Record<AuditOutcome, BadgeTone> = { success: 'green', denied: 'red', throttled: 'amber' };

interface AuditTableProps {
  initial: AuditList;
  /** The query of the first page (`?action=…&limit=50`); "Load more" adds the cursor. */
  search: string;
  filtered: boolean;
}

/** Events newest first; each row opens to show what the change was before and after. */
export function AuditTable({ initial, search, filtered }: AuditTableProps) {
  const [events, setEvents] = useState(initial.items);
  const [nextCursor, setNextCursor] = useState(initial.nextCursor);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  async function loadMore() {
    if (!nextCursor) return;
    setLoading(true);
    setProblem(undefined);
    const separator = search ? '&' : '?';
    const result = await callApi<AuditList>('GET', `${PROXY_BASE}/audit${search}${separator}cursor=${encodeURIComponent(nextCursor)}`);
    setLoading(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setEvents((current) => [...current, ...result.data.items]);
    setNextCursor(result.data.nextCursor);
  }

  function toggle(id: string) {
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  if (events.length === 0) {
    return <EmptyState title={filtered ? 'No event matches these filters' : 'Nothing recorded yet'}>{filtered ? 'Widen the dates or clear a filter.' : null}</EmptyState>;
  }

  return (
    <div className="grid gap-4">
      <Table caption="Audit events, newest first">
        <TableHead>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Outcome</Th>
          <Th>Target</Th>
          <Th>IP</Th>
          <Th>
            <span className="sr-only">Details</span>
          </Th>
        </TableHead>
        <TableBody>
          {events.map((event) => {
            const open = expanded.has(event.id);
            const detailsId = `audit-event-${event.id}`;
            return (
              <Fragment key={event.id}>
                <tr className={open ? 'bg-zinc-50' : 'hover:bg-zinc-50'}>
                  <Td className="whitespace-nowrap text-zinc-600">
                    <time dateTime={event.at} title={event.at}>
                      {formatDateTime(event.at)}
                    </time>
                  </Td>
                  <Td>
                    <span className="text-zinc-900">{event.actor.label}</span>
                    {event.actor.type !== 'user' ? <span className="block text-xs text-zinc-500">{event.actor.type.replace('_', ' ')}</span> : null}
                  </Td>
                  <Td>
                    <code className="font-mono text-[13px] whitespace-nowrap text-zinc-800">{event.action}</code>
                  </Td>
                  <Td>
                    <Badge tone={outcomeTone[event.outcome]}>{event.outcome}</Badge>
                  </Td>
                  <Td>
                    <span className="text-zinc-900">{event.target.label}</span>
                    <span className="block text-xs text-zinc-500">{event.target.type.replace('_', ' ')}</span>
                  </Td>
                  <Td className="font-mono text-[13px] whitespace-nowrap text-zinc-600">{event.ip ?? '—'}</Td>
                  <Td className="text-right">
                    <button
                      type="button"
                      aria-expanded={open}
                      aria-controls={open ? detailsId : undefined}
                      aria-label={`${open ? 'Hide' : 'Show'} details of ${event.action} on ${event.target.label}`}
                      onClick={() => toggle(event.id)}
                      className={buttonClasses('secondary', 'py-1 text-xs')}
                    >
                      {open ? 'Hide' : 'Details'}
                    </button>
                  </Td>
                </tr>
                {open ? (
                  <tr id={detailsId} className="bg-zinc-50">
                    <td colSpan={7} className="px-4 pb-4">
                      <EventDetails event={event} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
      {problem ? <ProblemAlert heading="More events could not be loaded" problem={problem} /> : null}
      <div className="flex items-center gap-3 text-sm text-zinc-500">
        {nextCursor ? (
          <button type="button" onClick={loadMore} disabled={loading} className={buttonClasses('secondary')}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        ) : null}
        <span aria-live="polite">
          {events.length} {events.length === 1 ? 'event' : 'events'} shown{nextCursor ? '' : ', the oldest included'}
        </span>
      </div>
    </div>
  );
}

function EventDetails({ event }: { event: AuditEvent }) {
  return (
    <div className="grid gap-3 text-sm">
      {event.detail ? <p className="text-zinc-700 first-letter:uppercase">{event.detail}</p> : null}
      <div className="grid gap-3 lg:grid-cols-2">
        <JsonPanel title="Before" value={event.before} />
        <JsonPanel title="After" value={event.after} />
      </div>
      <p className="text-xs text-zinc-500">
        {event.requestId ? (
          <>
            Request <code className="font-mono">{event.requestId}</code> ·{' '}
          </>
        ) : null}
        {event.target.id ? (
          <>
            target id <code className="font-mono">{event.target.id}</code> ·{' '}
          </>
        ) : null}
        at <code className="font-mono">{event.at}</code>
      </p>
    </div>
  );
}

function JsonPanel({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">{title}</h3>
      {value === null || value === undefined ? (
        <p className="text-zinc-500">—</p>
      ) : (
        <pre className="max-h-72 overflow-auto rounded-lg border border-zinc-200 bg-white p-3 font-mono text-[12px] whitespace-pre-wrap break-all text-zinc-800">
          {JSON.stringify(value, null, 2)}
        </pre>
      )}
    </div>
  );
}
