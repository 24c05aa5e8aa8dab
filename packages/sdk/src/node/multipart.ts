import { randomBytes } from 'node:crypto';

/**
 * The bytes around the file in a multipart/form-data upload: everything before the file's content
 * (the text fields, then the file part's headers) and everything after it. The file itself is
 * streamed between the two, so the body's length is known without reading the file.
 */
export interface MultipartFraming {
  contentType: string;
  head: Buffer;
  tail: Buffer;
}

/** A text field sent before the file (a model's `metadata`, a batch job's `spec`). */
export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartFramingOptions {
  fileName: string;
  /** Sent in this order, before the file: the API reads parts in order and checks them before the bytes. */
  fields?: readonly MultipartField[];
  /** Fixed in tests; random otherwise, so the boundary cannot occur in a model's bytes by accident. */
  boundary?: string;
}

/**
 * Quotes a value for a Content-Disposition parameter the way browsers do (WHATWG HTML form
 * encoding): `"` and line breaks are percent-encoded, everything else is sent as UTF-8.
 */
export function quoteDispositionValue(value: string): string {
  return `"${value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')}"`;
}

export function buildMultipartFraming(options: MultipartFramingOptions): MultipartFraming {
  const boundary = options.boundary ?? `modelgate-${randomBytes(16).toString('hex')}`;
  let head = '';
  for (const field of options.fields ?? []) {
    // No Content-Type on these parts: @fastify/multipart would parse an application/json field into
    // an object, and the API expects the field's text.
    head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoteDispositionValue(field.name)}\r\n\r\n${field.value}\r\n`;
  }
  head +=
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="file"; filename=${quoteDispositionValue(options.fileName)}\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(head, 'utf8'),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  };
}

/** The exact Content-Length of a body framed this way around a file of `fileSize` bytes. */
export function multipartContentLength(framing: MultipartFraming, fileSize: number): number {
  return framing.head.length + fileSize + framing.tail.length;
}
