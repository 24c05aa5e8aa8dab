'use client';

import type { Problem } from '@modelgate/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { csrfHeaders, unreachableProblem } from '@/lib/browser-api';
import { readProblem } from '@/lib/problem';

/**
 * One multipart upload through the /api/v1 proxy (a model version, a batch file). XMLHttpRequest
 * rather than fetch because only XHR reports upload progress; the body is a FormData, so the
 * browser streams the file from disk.
 */
export type MultipartUploadState<T> =
  | { phase: 'idle' }
  | { phase: 'uploading'; loaded: number; total: number }
  /** Every byte is sent; the API is working on the file (validating a model, counting a batch file's rows) before it answers. */
  | { phase: 'processing'; total: number }
  | { phase: 'done'; status: number; data: T; total: number }
  | { phase: 'failed'; problem: Problem }
  | { phase: 'cancelled' };

export interface MultipartUploadRequest {
  /** A proxy path, e.g. `/api/v1/batch-jobs`. */
  url: string;
  /** Its text fields first (the API reads parts in order and checks them before the bytes), the file last. */
  form: FormData;
  /** The file's size: the progress total until the browser reports its own. */
  fileSize: number;
}

export function useMultipartUpload<T>() {
  const [state, setState] = useState<MultipartUploadState<T>>({ phase: 'idle' });
  const current = useRef<XMLHttpRequest | null>(null);

  // Leaving the page would drop an upload in flight: ask first.
  const busy = state.phase === 'uploading' || state.phase === 'processing';
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  useEffect(() => () => current.current?.abort(), []);

  const start = useCallback(({ url, form, fileSize }: MultipartUploadRequest) => {
    const xhr = new XMLHttpRequest();
    current.current = xhr;
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    setState({ phase: 'uploading', loaded: 0, total: fileSize });

    // Upload listeners must exist before send(), or the browser reports no progress at all.
    xhr.upload.onprogress = (event) => {
      const total = event.lengthComputable ? event.total : fileSize;
      setState({ phase: 'uploading', loaded: Math.min(event.loaded, total), total });
    };
    xhr.upload.onload = () => {
      setState((previous) => ({ phase: 'processing', total: previous.phase === 'uploading' ? previous.total : fileSize }));
    };
    xhr.onload = () => {
      current.current = null;
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          const data = JSON.parse(xhr.responseText) as T;
          setState((previous) => ({ phase: 'done', status: xhr.status, data, total: 'total' in previous ? previous.total : fileSize }));
          return;
        } catch {
          // Falls through to the problem below: a 2xx without JSON is the proxy's or API's bug.
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
