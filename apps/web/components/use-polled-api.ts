'use client';

import { useEffect, useRef, useState } from 'react';
import { callApi } from '@/lib/browser-api';
import type { ApiFailure, Loaded } from '@/lib/load-from-api';

export interface PolledApi<T> {
  /** The newest answer, kept while a new one is being fetched and after a failed refresh. */
  data: T | undefined;
  /** The `key` `data` was fetched for: differs from the current key while a new one loads. */
  dataKey: string | undefined;
  /** Why the newest fetch failed; cleared by the next success. */
  failure: ApiFailure | undefined;
  /** When `data` arrived (ms since the epoch); undefined until then. */
  updatedAt: number | undefined;
  /** A fetch is in flight. */
  fetching: boolean;
}

interface PolledApiOptions<T> {
  /** What is being watched (a range, say). A new key fetches at once; the old data stays meanwhile. */
  key: string;
  /** The proxy path to GET, built at each fetch (so a range "ending now" moves along). */
  path: () => string;
  /** Pause between the end of one fetch and the start of the next. */
  intervalMs: number;
  /** What the server rendered the page with, for `initialKey`: the first fetch waits one interval. */
  initial?: Loaded<T>;
  initialKey?: string;
  initialAt?: number;
}

/**
 * Statuses that will not change by asking again (the session ended, the permission is gone, the
 * endpoint was deleted): polling stops until the key changes or the page is reloaded.
 */
const FINAL_STATUSES = new Set([401, 403, 404]);

/** Whether polling stopped on this failure (asking again would get the same answer). */
export function pollingStoppedBy(failure: ApiFailure | undefined): boolean {
  return failure?.kind === 'problem' && FINAL_STATUSES.has(failure.problem.status);
}

/**
 * GETs an API path through the dashboard's proxy every `intervalMs` while the tab is visible.
 * One request at a time (the next waits for the previous to end, so a slow API is never piled
 * on); a hidden tab asks nothing and catches up as soon as it is shown again. Answers that arrive
 * after the key changed are dropped, so a slow answer for the old key never overwrites a new one.
 */
export function usePolledApi<T>({ key, path, intervalMs, initial, initialKey, initialAt }: PolledApiOptions<T>): PolledApi<T> {
  const [state, setState] = useState<PolledApi<T>>(() =>
    initial?.ok
      ? { data: initial.data, dataKey: initialKey, failure: undefined, updatedAt: initialAt, fetching: false }
      : { data: undefined, dataKey: undefined, failure: initial?.failure, updatedAt: undefined, fetching: false },
  );
  // The latest path builder and answer, read by the polling loop without restarting it.
  const pathRef = useRef(path);
  const latest = useRef({ dataKey: state.dataKey, updatedAt: state.updatedAt });
  useEffect(() => {
    pathRef.current = path;
    latest.current = { dataKey: state.dataKey, updatedAt: state.updatedAt };
  });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    // Set by an answer that asking again cannot change (FINAL_STATUSES).
    let halted = false;
    // When the answer on screen for this key was asked for: the server's render counts too.
    let lastStarted = latest.current.dataKey === key ? (latest.current.updatedAt ?? 0) : 0;

    const visible = () => document.visibilityState !== 'hidden';

    async function fetchNow() {
      timer = undefined;
      if (stopped || inFlight || !visible()) return;
      inFlight = true;
      lastStarted = Date.now();
      setState((previous) => ({ ...previous, fetching: true }));
      const result = await callApi<T>('GET', pathRef.current());
      inFlight = false;
      if (stopped) return;
      if (result.ok) {
        setState({ data: result.data, dataKey: key, failure: undefined, updatedAt: Date.now(), fetching: false });
      } else {
        setState((previous) => ({ ...previous, failure: { kind: 'problem', problem: result.problem }, fetching: false }));
        halted = FINAL_STATUSES.has(result.problem.status);
      }
      schedule(intervalMs);
    }

    /** The next fetch, `intervalMs` after the last one started (at once if that is past). */
    function schedule(delayMs = Math.max(0, lastStarted + intervalMs - Date.now())) {
      if (stopped || halted || timer !== undefined || !visible()) return;
      timer = setTimeout(() => void fetchNow(), delayMs);
    }

    function onVisibilityChange() {
      if (visible()) return schedule();
      clearTimeout(timer);
      timer = undefined;
    }

    // Data already on screen for this key (the server's render) waits its turn; anything else asks now.
    schedule();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
    // `path` and the answer on screen are read through refs: only a new key or interval restarts the loop.
  }, [key, intervalMs]);

  return state;
}
