import { isUuid } from '@modelgate/contracts';
import type { BatchChunkRowResult } from './batch-results.js';

/** The binary COPY file header: the signature, no flags, no header extension. */
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
/** batch_results (job_id, "row", line, version_id, outputs, error). */
const FIELDS = 6;
/** jsonb's binary input: a version byte, then the JSON text. */
const JSONB_VERSION = 1;
/** Bytes a row takes besides its two texts: field count, six lengths, two uuids, two int4s, the jsonb version. */
const FIXED_ROW_BYTES = 2 + FIELDS * 4 + 16 + 4 + 4 + 16 + 1;

/**
 * A chunk's result rows in PostgreSQL's binary COPY format, in pieces of about `pieceBytes`:
 * written straight into buffers (no escaping, no text to parse on either side), where the text
 * format cost the worker a scan of every value for characters to escape and a string per piece.
 */
export function* binaryCopyPieces(batchJobId: string, results: readonly BatchChunkRowResult[], pieceBytes: number): Generator<Buffer> {
  const job = uuidBytes(batchJobId);
  const versions = new Map<string, Buffer>();
  let buffer = Buffer.allocUnsafe(Math.max(pieceBytes, HEADER.length));
  let at = HEADER.copy(buffer, 0);
  for (const result of results) {
    // PostgreSQL text cannot hold NUL; a reason quoting a cell with one says U+FFFD instead.
    const error = result.error?.includes('\0') ? result.error.replaceAll('\0', '\ufffd') : result.error;
    // At most 3 UTF-8 bytes per UTF-16 unit.
    const most = FIXED_ROW_BYTES + 3 * ((result.outputsJson?.length ?? 0) + (error?.length ?? 0));
    if (at + most > buffer.length) {
      yield buffer.subarray(0, at);
      buffer = Buffer.allocUnsafe(Math.max(pieceBytes, most + 2));
      at = 0;
    }
    at = buffer.writeInt16BE(FIELDS, at);
    at = buffer.writeInt32BE(16, at);
    at += job.copy(buffer, at);
    at = buffer.writeInt32BE(4, at);
    at = buffer.writeInt32BE(result.row, at);
    at = buffer.writeInt32BE(4, at);
    at = buffer.writeInt32BE(result.line, at);
    if (result.versionId === null) at = buffer.writeInt32BE(-1, at);
    else {
      let version = versions.get(result.versionId);
      if (!version) versions.set(result.versionId, (version = uuidBytes(result.versionId)));
      at = buffer.writeInt32BE(16, at);
      at += version.copy(buffer, at);
    }
    if (result.outputsJson === null) at = buffer.writeInt32BE(-1, at);
    else {
      const written = buffer.write(result.outputsJson, at + 5, 'utf8');
      buffer.writeInt32BE(written + 1, at);
      buffer[at + 4] = JSONB_VERSION;
      at += 5 + written;
    }
    if (error === null) at = buffer.writeInt32BE(-1, at);
    else {
      const written = buffer.write(error, at + 4, 'utf8');
      buffer.writeInt32BE(written, at);
      at += 4 + written;
    }
  }
  // The trailer: a field count of -1.
  if (at + 2 > buffer.length) {
    yield buffer.subarray(0, at);
    buffer = Buffer.allocUnsafe(2);
    at = 0;
  }
  at = buffer.writeInt16BE(-1, at);
  yield buffer.subarray(0, at);
}

function uuidBytes(uuid: string): Buffer {
  if (!isUuid(uuid)) throw new Error(`"${uuid}" is not a UUID`);
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}
