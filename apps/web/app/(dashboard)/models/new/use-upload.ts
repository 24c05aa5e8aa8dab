'use client';

import type { ModelVersion, Problem } from '@modelgate/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { csrfHeaders, PROXY_BASE, unreachableProblem } from '@/lib/browser-api';
import { readProblem } from '@/lib/problem';

/**
 * One model upload through the /api/v1 proxy. XMLHttpRequest rather than fetch because only XHR
 * reports upload progress; the body is a FormData, so the browser streams the file from disk.
 */
export type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; loaded: number; total: number }
  /** Every byte is sent; the API is loading the model in a child process before it answers. */
  | { phase: 'validating'; total: number }
  /** 201: a new version; 200: these bytes already were `version` of this model. */
  | { phase: 'done'; created: boolean; version: ModelVersion; total: number }
  | { phase: 'failed'; problem: Problem }
  | { phase: 'cancelled' };

export interface UploadRequest {
  model: string;
  file: File;
  /** The `metadata` form field, when anything was filled in. */
  metadata?: Record<string, unknown>;
}

export function useUpload() {
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const current = useRef<XMLHttpRequest | null>(null);

  // Leaving the page would drop an upload in flight: ask first.
  const busy = state.phase === 'uploading' || state.phase === 'validating';
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  useEffect(() => () => current.current?.abort(), []);

  const start = useCallback(({ model, file, metadata }: UploadRequest) => {
    const form = new FormData();
    // The API reads the parts in order: metadata must come before the file.
    if (metadata) form.append('metadata', JSON.stringify(metadata));
    form.append('file', file, file.name);

    const xhr = new XMLHttpRequest();
    current.current = xhr;
    xhr.open('POST', `${PROXY_BASE}/models/${encodeURIComponent(model)}/versions`);
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    setState({ phase: 'uploading', loaded: 0, total: file.size });

    // Upload listeners must exist before send(), or the browser reports no progress at all.
    xhr.upload.onprogress = (event) => {
      const total = event.lengthComputable ? event.total : file.size;
      setState({ phase: 'uploading', loaded: Math.min(event.loaded, total), total });
    };
    xhr.upload.onload = () => {
      setState((previous) => ({ phase: 'validating', total: previous.phase === 'uploading' ? previous.total : file.size }));
    };
    xhr.onload = () => {
      current.current = null;
      if (xhr.status === 200 || xhr.status === 201) {
        try {
          const version = JSON.parse(xhr.responseText) as ModelVersion;
          setState((previous) => ({
            phase: 'done',
            created: xhr.status === 201,
            version,
            total: 'total' in previous ? previous.total : file.size,
          }));
          return;
        } catch {
          // Falls through to the problem below: a 2xx without a version is the proxy's or API's bug.
        }
      }
      setState({ phase: 'failed', problem: readProblem(xhr.status, xhr.statusText, xhr.responseText) });
    };
    xhr.onerror = () => {
      current.current = null;
      setState({ phase: 'failed', problem: unreachableProblem('the connection failed during the upload') });
    };
    xhr.onabort = () => {
      current.current = null;
      setState({ phase: 'cancelled' });
    };
    xhr.send(form);
  }, []);

  const cancel = useCallback(() => current.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, start, cancel, reset };
}
