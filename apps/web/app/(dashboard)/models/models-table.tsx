'use client';

import type { ModelSummary } from '@modelgate/contracts';
import Link from 'next/link';
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';

/**
 * Filters by name as you type and keeps `?q=` in the address so a filtered list can be shared.
 * Without JavaScript the form still submits `?q=` and the server passes it back in.
 */
/** A model with its update time already formatted on the server, so both renders agree. */
export type ModelRow = ModelSummary & { updatedLabel: string };

export function ModelsTable({ models, initialQuery }: { models: ModelRow[]; initialQuery: string }) {
  const [query, setQuery] = useState(initialQuery);
  const needle = query.trim().toLowerCase();
  const visible = needle ? models.filter((model) => model.name.toLowerCase().includes(needle)) : models;

  function updateQuery(value: string) {
    setQuery(value);
    const url = new URL(window.location.href);
    if (value.trim()) url.searchParams.set('q', value.trim());
    else url.searchParams.delete('q');
    window.history.replaceState(window.history.state, '', url);
  }

  return (
    <>
      <form
        role="search"
        action="/models"
        onSubmit={(event) => event.preventDefault()}
        className="mb-4 flex flex-wrap items-center justify-between gap-3"
      >
        <label className="relative block w-full sm:w-80">
          <span className="sr-only">Search models</span>
          <svg
            aria-hidden="true"
            viewBox="0 0 20 20"
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
          >
            <circle cx="9" cy="9" r="5.5" />
            <path d="m13.5 13.5 3.5 3.5" />
          </svg>
          <input
            type="search"
            name="q"
            value={query}
            onChange={(event) => updateQuery(event.target.value)}
            placeholder="Search by name"
            autoComplete="off"
            className="w-full rounded-lg border border-zinc-300 bg-white py-2 pr-3 pl-9 text-sm shadow-xs placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20"
          />
        </label>
        <p className="text-sm text-zinc-500" aria-live="polite">
          {needle ? `${visible.length} of ${models.length} models` : `${models.length} ${models.length === 1 ? 'model' : 'models'}`}
        </p>
      </form>

      {models.length === 0 ? (
        <EmptyState title="No models yet">
          <Link href="/models/new" className="font-medium text-indigo-700 hover:underline">
            Upload an ONNX file
          </Link>{' '}
          here or with <code className="font-mono">curl -F file=@model.onnx …/v1/models/&lt;name&gt;/versions</code>.
        </EmptyState>
      ) : visible.length === 0 ? (
        <EmptyState title={`No model name contains “${query.trim()}”`}>Try a shorter search.</EmptyState>
      ) : (
        <Table caption="Models">
          <TableHead>
            <Th>Name</Th>
            <Th className="text-right">Versions</Th>
            <Th>Latest</Th>
            <Th>Updated</Th>
          </TableHead>
          <TableBody>
            {visible.map((model) => (
              <tr key={model.id} className="hover:bg-zinc-50">
                <Td>
                  <Link href={`/models/${model.name}`} className="font-medium text-indigo-700 hover:underline">
                    {model.name}
                  </Link>
                  {model.description ? <p className="mt-0.5 line-clamp-1 text-zinc-500">{model.description}</p> : null}
                </Td>
                <Td className="text-right tabular-nums">{model.versionCount}</Td>
                <Td>
                  {model.latestVersion !== null ? (
                    <Link
                      href={`/models/${model.name}/versions/${model.latestVersion}`}
                      className="font-mono text-indigo-700 hover:underline"
                    >
                      v{model.latestVersion}
                    </Link>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </Td>
                <Td className="text-zinc-600">
                  <time dateTime={model.updatedAt} title={model.updatedAt} className="whitespace-nowrap">
                    {model.updatedLabel}
                  </time>
                </Td>
              </tr>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
