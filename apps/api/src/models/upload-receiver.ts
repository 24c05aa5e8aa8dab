import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProblemCode, VersionMetadata } from '@modelgate/contracts';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';

export interface ReceivedUpload {
  tempPath: string;
  sha256: string;
  sizeBytes: number;
  fileName: string | null;
  metadata: VersionMetadata;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Streams a multipart upload (`file`, optional `metadata` JSON) to a temporary file while hashing
 * it, so a model of any size never sits in memory. On any failure the temporary file is removed
 * before the error propagates: a refused upload leaves nothing behind.
 */
export async function receiveModelUpload(request: FastifyRequest, uploadsDir: string, maxBytes: number): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new ProblemException(
      415,
      ProblemCode.unsupportedMediaType,
      `upload the model as multipart/form-data with the ONNX file in a field named "file" (got Content-Type: ${request.headers['content-type'] ?? 'none'})`,
    );
  }
  await fs.mkdir(uploadsDir, { recursive: true });
  const tempPath = path.join(uploadsDir, `${randomUUID()}.part`);
  let file: Omit<ReceivedUpload, 'metadata' | 'tempPath'> | null = null;
  let metadata: VersionMetadata = {};
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10 } })) {
      if (part.type === 'field') {
        if (part.fieldname !== 'metadata') {
          throw ProblemException.badInput(`unexpected form field "${part.fieldname}": send the model in "file" and optional JSON in "metadata"`);
        }
        let json: unknown;
        try {
          json = JSON.parse(String(part.value));
        } catch {
          throw ProblemException.badInput('the "metadata" field is not valid JSON: expected an object like {"description": "...", "tags": ["..."]}');
        }
        metadata = parseRequest(VersionMetadata, json, 'body');
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw ProblemException.badInput(`the model file must be sent in a form field named "file"; got a file in "${part.fieldname}"`);
      }
      const hash = createHash('sha256');
      let sizeBytes = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          sizeBytes += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline(part.file, hashing, createWriteStream(tempPath, { flags: 'wx' }));
      if (part.file.truncated) {
        throw new ProblemException(
          413,
          ProblemCode.payloadTooLarge,
          `the model file is larger than the upload limit of ${formatBytes(maxBytes)} (MODELGATE_MAX_UPLOAD_BYTES)`,
        );
      }
      file = { sha256: hash.digest('hex'), sizeBytes, fileName: part.filename || null };
    }
  } catch (error) {
    await fs.rm(tempPath, { force: true });
    if (error instanceof ProblemException) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT_REACHED') throw ProblemException.badInput('send exactly one model file per upload');
    if (code === 'FST_PARTS_LIMIT_REACHED' || code === 'FST_FIELDS_LIMIT_REACHED') throw ProblemException.badInput('too many form fields: send "file" and optional "metadata"');
    if ((error as Error).message === 'aborted' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      // The caller went away mid-upload: nothing to answer, nothing kept, nothing to alarm anyone.
      throw ProblemException.badInput('the upload was interrupted before the file was complete; nothing was stored');
    }
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_PROTO_VIOLATION') {
      throw ProblemException.badInput('the multipart body is malformed: send multipart/form-data with the ONNX file in "file"');
    }
    throw error;
  }
  if (!file) {
    await fs.rm(tempPath, { force: true });
    throw ProblemException.badInput('no model file in the upload: send the ONNX file in a multipart form field named "file"');
  }
  return { ...file, tempPath, metadata };
}
