import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ArtifactIntegrityError, SHA256_PATTERN, type ArtifactStore } from './artifact-store.js';

/** Artifacts under `<root>/sha256/<first two hex>/<hash>`, so no directory grows too large. */
export class FilesystemArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  pathFor(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async putFile(tempFilePath: string, sha256: string): Promise<void> {
    const target = this.pathFor(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    if (await this.has(sha256)) {
      await fs.rm(tempFilePath, { force: true });
      return;
    }
    // rename is atomic within one filesystem: readers see the whole file or none.
    await fs.rename(tempFilePath, target);
    await fs.chmod(target, 0o444);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fs.access(this.pathFor(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async readVerified(sha256: string): Promise<Uint8Array> {
    const bytes = await fs.readFile(this.pathFor(sha256));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw new ArtifactIntegrityError(sha256, actual);
    return bytes;
  }

  openStream(sha256: string): Readable {
    return createReadStream(this.pathFor(sha256));
  }

  async remove(sha256: string): Promise<void> {
    await fs.rm(this.pathFor(sha256), { force: true });
  }
}
