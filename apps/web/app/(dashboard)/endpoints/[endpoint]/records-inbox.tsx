'use client';

import type { InboxRecord, RecordList, RecordStatus } from '@modelgate/contracts';
import { useState } from 'react';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { Badge, type BadgeTone } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { CodeBlock } from '@/components/code-block';
import { DateTime } from '@/components/date-time';
import { EmptyState } from '@/components/empty-state';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { usePolledApi } from '@/components/use-polled-api';
import { endpointPath } from '@/lib/browser-api';
import type { Loaded } from '@/lib/load-from-api';
import { formatCount } from '@/lib/metrics-format';
import { recordsSearch } from '@/lib/records-query';
import { API_KEY_VARIABLE } from '@/lib/predict-example';

/** Records change when a run scores them: read again every few seconds. */
export const RECORDS_POLL_MS = 5_000;

const STATUS_TONE: Record<RecordStatus, BadgeTone> = { pending: 'amber', scored: 'green', failed: 'red' };
const FILTERS: { status: RecordStatus | undefined; label: string }[] = [
  { status: undefined, label: 'All' },
  { status: 'pending', label: 'Pending' },
  { status: 'scored', label: 'Scored' },
  { status: 'failed', label: 'Failed' },
];

interface RecordsInboxProps {
  endpoint: string;
  initial: Loaded<RecordList>;
  initialAt: number;
  apiUrl: string;
  /** A predict request's `inputs` for this endpoint, for the push example. */
  exampleInputsJson: string;
}

/**
 * The endpoint's records inbox: counts per status, and the records themselves (filtered by
 * status, a page at a time, in key order) with their latest prediction or why they failed.
 */
export function RecordsInbox({ endpoint, initial, initialAt, apiUrl, exampleInputsJson }: RecordsInboxProps) {
  const [status, setStatus] = useState<RecordStatus | undefined>();
  // The cursors of the pages before this one: "Previous" pops, "Next" pushes.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const polled = usePolledApi<RecordList>({
    key: `records-${status ?? 'all'}-${cursor ?? ''}`,
    path: () => `${endpointPath(endpoint)}/records${recordsSearch(status, cursor)}`,
    intervalMs: RECORDS_POLL_MS,
    initial,
    initialKey: 'records-all-',
    initialAt,
  });
  const { data, failure } = polled;
  if (!data) return failure ? <ApiErrorPanel failure={failure} /> : null;

  const { counts } = data;
  const total = counts.pending + counts.scored + counts.failed;
  const countOf = (filter: RecordStatus | undefined) => (filter ? counts[filter] : total);
  const stale = polled.dataKey !== `records-${status ?? 'all'}-${cursor ?? ''}`;

  if (total === 0) {
    return (
      <EmptyState title="No records yet">
        <p>Applications push data points here (up to 10,000 per request, idempotent by key); a schedule or “Score now” scores the pending ones.</p>
        <div className="mt-4 text-left">
          <CodeBlock title={`POST /v1/endpoints/${endpoint}/records`} code={pushRecordsCurl(apiUrl, endpoint, exampleInputsJson)} copyLabel="Copy curl command" />
        </div>
      </EmptyState>
    );
  }

  return (
    <div className="grid gap-3">
      <div role="group" aria-label="Show records" className="flex flex-wrap gap-2">
        {FILTERS.map((filter) => {
          const pressed = filter.status === status;
          return (
            <button
              key={filter.label}
              type="button"
              aria-pressed={pressed}
              onClick={() => {
                setStatus(filter.status);
                setCursors([undefined]);
              }}
              className={`inline-flex items-center gap-2 rounded-full border px-3 py-1 text-sm font-medium ${
                pressed ? 'border-indigo-500 bg-indigo-50 text-indigo-800' : 'border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50'
              }`}
            >
              {filter.label}{' '}
              <span className="tabular-nums text-zinc-500">{formatCount(countOf(filter.status))}</span>
            </button>
          );
        })}
      </div>
      {failure ? (
        <p role="status" className="text-sm text-amber-800">
          Could not refresh ({failure.kind === 'problem' ? failure.problem.detail || failure.problem.title : 'the API is not answering'}).
        </p>
      ) : null}
      <div className={stale ? 'opacity-60' : undefined} aria-busy={stale}>
        {data.items.length === 0 ? (
          <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">No {status ?? ''} records.</p>
        ) : (
          <Table caption={`Records${status ? ` (${status})` : ''}, in key order`}>
            <TableHead>
              <Th>Key</Th>
              <Th>Status</Th>
              <Th>Prediction</Th>
              <Th>Version</Th>
              <Th>Received</Th>
              <Th>Scored</Th>
            </TableHead>
            <TableBody>
              {data.items.map((record) => (
                <RecordRow key={record.key} record={record} />
              ))}
            </TableBody>
          </Table>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm text-zinc-600">
        <span>
          Page {cursors.length} · {formatCount(countOf(status))} {status ?? 'records'}
        </span>
        {cursors.length > 1 ? (
          <button type="button" onClick={() => setCursors((current) => current.slice(0, -1))} className={buttonClasses('secondary')}>
            Previous page
          </button>
        ) : null}
        {data.nextCursor && !stale ? (
          <button type="button" onClick={() => setCursors((current) => [...current, data.nextCursor ?? undefined])} className={buttonClasses('secondary')}>
            Next page
          </button>
        ) : null}
      </div>
    </div>
  );
}

function RecordRow({ record }: { record: InboxRecord }) {
  return (
    <tr>
      <Td className="min-w-32 font-mono break-all text-zinc-900">{record.key}</Td>
      <Td>
        <Badge tone={STATUS_TONE[record.status]}>{record.status}</Badge>
      </Td>
      <Td className="max-w-md">
        {record.error ? (
          <span className="text-red-800">{record.error}</span>
        ) : record.prediction ? (
          <code className="block truncate font-mono text-xs text-zinc-800" title={JSON.stringify(record.prediction)}>
            {JSON.stringify(record.prediction)}
          </code>
        ) : (
          <span className="text-zinc-500">—</span>
        )}
        {record.status === 'pending' && record.prediction ? <span className="mt-0.5 block text-xs text-zinc-500">previous prediction; to be rescored</span> : null}
      </Td>
      <Td className="whitespace-nowrap text-zinc-700">{record.model ? `${record.model} v${record.version}` : '—'}</Td>
      <Td className="text-zinc-600">
        <DateTime iso={record.receivedAt} />
      </Td>
      <Td className="text-zinc-600">{record.scoredAt ? <DateTime iso={record.scoredAt} /> : '—'}</Td>
    </tr>
  );
}

/** A push of two records, as an application sends them. */
function pushRecordsCurl(apiUrl: string, endpoint: string, inputsJson: string): string {
  const body = `{"records": [{"key": "order-1", "inputs": ${inputsJson}}, {"key": "order-2", "inputs": ${inputsJson}}]}`;
  return [
    `curl -X POST '${apiUrl}/v1/endpoints/${endpoint}/records'`,
    `  -H "Authorization: Bearer $${API_KEY_VARIABLE}"`,
    `  -H 'Content-Type: application/json'`,
    `  -d '${body.replaceAll("'", `'\\''`)}'`,
  ].join(' \\\n');
}
