/**
 * A file on this machine could not be used: the model or batch file to send (missing, a
 * directory, no permission, changed while sending), or the file results are written to. A setup
 * problem of the caller's, told apart from the API's refusals (ModelgateApiError).
 */
export abstract class LocalFileError extends Error {
  protected constructor(
    readonly filePath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ModelFileError extends LocalFileError {
  override readonly name = 'ModelFileError';

  constructor(filePath: string, reason: string, options?: { cause?: unknown }) {
    super(filePath, `cannot read the model file ${filePath}: ${reason}`, options);
  }
}

export class BatchFileError extends LocalFileError {
  override readonly name = 'BatchFileError';

  constructor(filePath: string, reason: string, options?: { cause?: unknown }) {
    super(filePath, `cannot read the batch file ${filePath}: ${reason}`, options);
  }
}

export class ResultsFileError extends LocalFileError {
  override readonly name = 'ResultsFileError';

  constructor(filePath: string, reason: string, options?: { cause?: unknown }) {
    super(filePath, `cannot write the results file ${filePath}: ${reason}`, options);
  }
}

const FILE_ERROR_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/** A file system error in words (`no such file`), the system's message otherwise. */
export function describeFileError(error: unknown): string {
  const code = (error as { code?: string }).code;
  return (code && FILE_ERROR_REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
}
