import type { ModelVersion, VersionMetadata } from '@modelgate/contracts';
import { DEFAULT_API_URL, apiPath, normalizeApiUrl } from '../api-url.js';
import { parseJsonAnswer } from '../responses.js';
import { checkToken } from '../token.js';
import { postMultipartFile } from './file-upload.js';
import { ModelFileError } from './local-file-errors.js';

export { ModelFileError };

export interface UploadModelVersionOptions {
  /** Defaults to http://127.0.0.1:4000. */
  apiUrl?: string;
  /** An API key or personal token, sent as `Authorization: Bearer`; uploading needs the data scientist role. */
  token?: string;
  model: string;
  filePath: string;
  /** Sent as the `metadata` form field; the API checks it (and `sampleInput` against the signature). */
  metadata?: VersionMetadata;
  /**
   * Called as the file's bytes are handed to the connection: first with 0, last with exactly
   * `totalBytes` (the file's size). After the last call the API is validating the model.
   */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface UploadOutcome {
  version: ModelVersion;
  /** False when the same bytes were already a version of this model: that version is returned. */
  created: boolean;
}

/**
 * Uploads a model file as a new version: `POST /v1/models/{model}/versions`, multipart with the
 * optional `metadata` field first and the file streamed from disk (never read into memory) with an
 * exact Content-Length. 201 → created; 200 → these bytes were already a version of the model.
 * Errors: ModelFileError (file), ModelgateUnreachableError (no answer), ModelgateApiError (4xx/5xx).
 */
export async function uploadModelVersion(options: UploadModelVersionOptions): Promise<UploadOutcome> {
  const apiUrl = normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL);
  const answer = await postMultipartFile({
    apiUrl,
    url: new URL(apiPath(apiUrl, ['v1', 'models', options.model, 'versions'])),
    token: options.token === undefined ? undefined : checkToken(options.token),
    filePath: options.filePath,
    fields: options.metadata === undefined ? [] : [{ name: 'metadata', value: JSON.stringify(options.metadata) }],
    onProgress: options.onProgress,
    fileError: (reason, errorOptions) => new ModelFileError(options.filePath, reason, errorOptions),
  });
  return { version: parseJsonAnswer<ModelVersion>(apiUrl, answer.status, answer.body), created: answer.status === 201 };
}
