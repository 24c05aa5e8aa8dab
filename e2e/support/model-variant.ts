import { readFile } from 'node:fs/promises';

/**
 * A fixture model's bytes with its doc string set to `note`: the same graph (same inputs, same
 * answers) under another sha256, so the registry stores it as a new version of a model instead of
 * answering with the version it already has. Routing tests need two versions that take the same
 * requests; the fixtures have no two such models.
 *
 * ModelProto.doc_string is field 6 (a string); protobuf keeps the last occurrence of a field, so
 * appending it to the end of the message overrides any doc string the file already had.
 */
export async function modelVariant(file: string, note: string): Promise<Uint8Array> {
  const text = Buffer.from(note, 'utf8');
  if (text.length > 127) throw new Error('modelVariant: keep the note under 128 bytes (its length is written as one byte)');
  return Buffer.concat([await readFile(file), Buffer.from([(6 << 3) | 2, text.length]), text]);
}
