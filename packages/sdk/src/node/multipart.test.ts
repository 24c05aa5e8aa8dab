import { describe, expect, it } from 'vitest';
import { buildMultipartFraming, multipartContentLength, quoteDispositionValue } from './multipart.js';

/** Parses a framed body with undici's multipart parser (Node's own), independent of ours. */
async function parseForm(contentType: string, body: Buffer): Promise<FormData> {
  return new Response(body, { headers: { 'content-type': contentType } }).formData();
}

describe('buildMultipartFraming', () => {
  it('frames the metadata field before the file, and a standard parser reads both back', async () => {
    const framing = buildMultipartFraming({ fileName: 'model.onnx', fields: [{ name: 'metadata', value: '{"tags":["a"]}' }], boundary: 'b0undary' });
    const content = Buffer.from([0x08, 0x07, 0x12, 0x00, 0xff, 0x0d, 0x0a]);
    const body = Buffer.concat([framing.head, content, framing.tail]);

    expect(framing.contentType).toBe('multipart/form-data; boundary=b0undary');
    expect(body.toString('latin1').indexOf('name="metadata"')).toBeLessThan(body.toString('latin1').indexOf('name="file"'));
    const form = await parseForm(framing.contentType, body);
    expect(form.get('metadata')).toBe('{"tags":["a"]}');
    const file = form.get('file') as File;
    expect(file.name).toBe('model.onnx');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(content);
  });

  it('computes the Content-Length of the whole body from the file size alone', () => {
    const framing = buildMultipartFraming({ fileName: 'modèle « final ».onnx', fields: [{ name: 'metadata', value: '{"description":"überall"}' }] });
    const fileSize = 123_457;
    const body = Buffer.concat([framing.head, Buffer.alloc(fileSize), framing.tail]);
    expect(multipartContentLength(framing, fileSize)).toBe(body.length);
  });

  it('frames several fields in the order given, all before the file', async () => {
    const framing = buildMultipartFraming({
      fileName: 'rows.csv',
      fields: [
        { name: 'spec', value: '{"endpoint":"fraud","chunkSize":500}' },
        { name: 'note', value: 'line one\r\nline two' },
      ],
    });
    const form = await parseForm(framing.contentType, Buffer.concat([framing.head, Buffer.from('a,b\n1,2\n'), framing.tail]));
    expect([...form.keys()]).toEqual(['spec', 'note', 'file']);
    expect(JSON.parse(String(form.get('spec')))).toEqual({ endpoint: 'fraud', chunkSize: 500 });
    expect(form.get('note')).toBe('line one\r\nline two');
    expect(await (form.get('file') as File).text()).toBe('a,b\n1,2\n');
  });

  it('sends no field part when there are no fields', async () => {
    const framing = buildMultipartFraming({ fileName: 'm.onnx' });
    expect(framing.head.toString()).not.toContain('metadata');
    const form = await parseForm(framing.contentType, Buffer.concat([framing.head, Buffer.from('x'), framing.tail]));
    expect([...form.keys()]).toEqual(['file']);
  });

  it('uses a fresh random boundary per upload', () => {
    const first = buildMultipartFraming({ fileName: 'm.onnx' }).contentType;
    expect(first).toMatch(/boundary=modelgate-[0-9a-f]{32}$/);
    expect(buildMultipartFraming({ fileName: 'm.onnx' }).contentType).not.toBe(first);
  });

  it('escapes quotes and line breaks in file names the way browsers do', async () => {
    expect(quoteDispositionValue('a"b\r\nc.onnx')).toBe('"a%22b%0D%0Ac.onnx"');
    const framing = buildMultipartFraming({ fileName: 'my "best"\nmodel.onnx' });
    expect(framing.head.toString()).toContain('filename="my %22best%22%0Amodel.onnx"');
    // undici decodes the escapes back, as the HTML standard says a server may.
    const form = await parseForm(framing.contentType, Buffer.concat([framing.head, Buffer.from('x'), framing.tail]));
    expect((form.get('file') as File).name).toBe('my "best"\nmodel.onnx');
  });
});
