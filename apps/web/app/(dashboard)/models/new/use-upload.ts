'use client';

import type { ModelVersion, Problem } from '@modelgate/contracts';
import { useCallback } from 'react';
import { type MultipartUploadState, useMultipartUpload } from '@/components/use-multipart-upload';
import { PROXY_BASE } from '@/lib/browser-api';

/** One model upload, as the upload page shows it: its phases in the words of a model's life. */
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

function uploadStateOf(state: MultipartUploadState<ModelVersion>): UploadState {
  switch (state.phase) {
    case 'processing':
      return { phase: 'validating', total: state.total };
    case 'done':
      return { phase: 'done', created: state.status === 201, version: state.data, total: state.total };
    default:
      return state;
  }
}

export function useUpload() {
  const upload = useMultipartUpload<ModelVersion>();
  const { start: startUpload } = upload;

  const start = useCallback(
    ({ model, file, metadata }: UploadRequest) => {
      const form = new FormData();
      // The API reads the parts in order: metadata must come before the file.
      if (metadata) form.append('metadata', JSON.stringify(metadata));
      form.append('file', file, file.name);
      startUpload({ url: `${PROXY_BASE}/models/${encodeURIComponent(model)}/versions`, form, fileSize: file.size });
    },
    [startUpload],
  );

  return { state: uploadStateOf(upload.state), start, cancel: upload.cancel, reset: upload.reset };
}
