import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ModelgateClient } from './client.js';
import { ModelgateUnreachableError, connectionFailureReason } from './errors.js';
import { problemFromResponse } from './responses.js';

/** A port nothing listens on: one the system just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('ModelgateClient (no API needed)', () => {
  it('defaults to the local API and drops trailing slashes', () => {
    expect(new ModelgateClient().apiUrl).toBe('http://127.0.0.1:4000');
    expect(new ModelgateClient({ apiUrl: 'https://models.example/gate//' }).apiUrl).toBe('https://models.example/gate');
  });

  it('refuses an API URL that is not http(s)', () => {
    expect(() => new ModelgateClient({ apiUrl: 'localhost:4000' })).toThrow('must start with http:// or https://');
    expect(() => new ModelgateClient({ apiUrl: 'not a url' })).toThrow('the Modelgate API URL "not a url" is not a URL');
  });

  it('names the URL that does not answer, with the reason', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}`;
    const error = await new ModelgateClient({ apiUrl }).listModels().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateUnreachableError);
    expect((error as Error).message).toBe(`the Modelgate API at ${apiUrl} is not answering: ECONNREFUSED`);
  });

  it('explains a port fetch refuses to use instead of a bare "bad port"', async () => {
    const error = await new ModelgateClient({ apiUrl: 'http://127.0.0.1:9' }).listModels().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateUnreachableError);
    expect((error as Error).message).toBe(
      'the Modelgate API at http://127.0.0.1:9 is not answering: fetch never connects to port 9 (on the fetch standard\'s list of blocked ports): run the API on another port',
    );
  });

  it('encodes names in paths and uses the given fetch', async () => {
    const urls: string[] = [];
    const client = new ModelgateClient({
      apiUrl: 'http://api.test',
      fetch: async (input) => {
        urls.push(String(input));
        return new Response('{"items":[]}', { status: 200 });
      },
    });
    await client.getVersion('a/b c', 2);
    await client.listModels({ query: 'fr&d' });
    expect(urls).toEqual(['http://api.test/v1/models/a%2Fb%20c/versions/2', 'http://api.test/v1/models?q=fr%26d']);
  });
});

describe('problemFromResponse', () => {
  it('keeps a problem body as it is, extension members included', () => {
    const body = { type: 't', title: 'Conflict', status: 409, detail: 'stale', code: 'stale_revision', currentRevision: 3 };
    expect(problemFromResponse('http://a', { status: 409, statusText: 'Conflict', body: JSON.stringify(body) })).toEqual(body);
  });

  it('describes a non-problem answer (a proxy page) as a problem naming the URL and status', () => {
    const problem = problemFromResponse('http://a', { status: 502, statusText: 'Bad Gateway', body: '<html>upstream down</html>\n…' });
    expect(problem).toMatchObject({ status: 502, code: 'unexpected_response', detail: 'the Modelgate API at http://a answered 502 Bad Gateway: <html>upstream down</html>' });
  });
});

describe('connectionFailureReason', () => {
  it('digs the system code out of fetch and multi-address failures', () => {
    expect(connectionFailureReason(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }))).toBe('ENOTFOUND');
    const perAddress = new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'all failed');
    expect(connectionFailureReason(new TypeError('fetch failed', { cause: perAddress }))).toBe('ECONNREFUSED');
    expect(connectionFailureReason(new TypeError('Failed to fetch'))).toBe('Failed to fetch');
  });
});
