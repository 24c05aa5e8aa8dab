import type { Readable } from 'node:stream';

/**
 * Where model bytes live, content-addressed by sha256: written once, never changed, verified on
 * load. The filesystem store is the default; an S3 store implements the same interface.
 */
export interface ArtifactStore {
  /** Moves a fully written, already hashed temporary file into the store (idempotent). */
  putFile(tempFilePath: string, sha256: string): Promise<void>;
  has(sha256: string): Promise<boolean>;
  /** Reads the whole artifact and checks its sha256, so a corrupted file is never served. */
  readVerified(sha256: string): Promise<Uint8Array>;
  openStream(sha256: string): Readable;
  remove(sha256: string): Promise<void>;
}

export class ArtifactIntegrityError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`artifact ${expected} is corrupted: its bytes hash to ${actual}`);
    this.name = 'ArtifactIntegrityError';
  }
}

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
