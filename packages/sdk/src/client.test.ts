import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ModelgateClient } from './client.js';
import { ModelgateApiError, ModelgateUnreachableError, connectionFailureReason } from './errors.js';
import { problemFromResponse, retryAfterSeconds } from './responses.js';

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

/** A client whose fetch records each request and answers with `answer`. */
function recordingClient(answer: () => Response, options: { token?: string } = {}) {
  const requests: { url: string; method: string; headers: Headers; body: string | undefined }[] = [];
  const client = new ModelgateClient({
    apiUrl: 'http://api.test',
    ...options,
    fetch: async (input, init) => {
      requests.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: init?.body as string | undefined });
      return answer();
    },
  });
  return { client, requests };
}

describe('authentication', () => {
  const TOKEN = 'mgp_3fA9xQ2p_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs';

  it('sends the token as Authorization: Bearer on every request, reads and changes alike', async () => {
    const { client, requests } = recordingClient(() => new Response('{}'), { token: TOKEN });
    await client.me();
    await client.listModels();
    await client.deploy('fraud', { routes: [{ model: 'm', version: 1, weight: 100 }], expectedRevision: 0 });
    await client.predict('fraud', { inputs: { x: [[1]] } });
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual(Array(4).fill(`Bearer ${TOKEN}`));
  });

  it('sends no Authorization header without a token', async () => {
    const { client, requests } = recordingClient(() => new Response('{}'));
    await client.listModels();
    expect(requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('refuses a token with a line break before sending anything', () => {
    expect(() => new ModelgateClient({ token: `${TOKEN}\n` })).toThrow('copy it again without the line break');
  });

  it('keeps Retry-After of a 429 on the error', async () => {
    const problem = { type: 't', title: 'Too Many Requests', status: 429, detail: 'this API key is over its rate limit', code: 'rate_limited' };
    const { client } = recordingClient(() => new Response(JSON.stringify(problem), { status: 429, headers: { 'retry-after': '3' } }));
    const error = await client.predict('fraud', { inputs: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 3, message: 'this API key is over its rate limit' });
  });
});

describe('the methods added for users, keys, revisions and audit', () => {
  it('call the routes the API serves, with encoded names and the query of listAudit', async () => {
    const { client, requests } = recordingClient(() => new Response('{"items":[]}'));
    await client.rollback('fraud', { expectedRevision: 3 });
    await client.listRevisions('fraud');
    await client.listApiKeys();
    await client.createApiKey({ name: 'checkout', scopes: { predict: ['fraud'], read: false } });
    await client.revokeApiKey('k/1');
    await client.listPersonalTokens();
    await client.createPersonalToken({ name: 'laptop' });
    await client.revokePersonalToken('t1');
    await client.listUsers();
    await client.createUser({ email: 'ada@example.com', role: 'viewer', password: 'long enough pw' });
    await client.updateUser('u1', { role: 'admin' });
    await client.listAudit({ action: 'endpoint.rollback', actor: 'ada@example.com', limit: 10, cursor: undefined });
    await client.listAudit();
    expect(requests.map((request) => `${request.method} ${request.url.replace('http://api.test', '')}`)).toEqual([
      'POST /v1/endpoints/fraud/rollback',
      'GET /v1/endpoints/fraud/revisions',
      'GET /v1/api-keys',
      'POST /v1/api-keys',
      'DELETE /v1/api-keys/k%2F1',
      'GET /v1/auth/tokens',
      'POST /v1/auth/tokens',
      'DELETE /v1/auth/tokens/t1',
      'GET /v1/users',
      'POST /v1/users',
      'PATCH /v1/users/u1',
      'GET /v1/audit?action=endpoint.rollback&actor=ada%40example.com&limit=10',
      'GET /v1/audit',
    ]);
    expect(JSON.parse(requests[3]?.body ?? '')).toEqual({ name: 'checkout', scopes: { predict: ['fraud'], read: false } });
  });
});

describe('the rollout methods', () => {
  it('call the routes the API serves, with encoded names and the bodies given', async () => {
    const { client, requests } = recordingClient(() => new Response('{"items":[]}'));
    await client.startRollout('fraud', { model: 'fraud', version: 2, steps: [10, 50, 100], bakeSeconds: 60, expectedRevision: 4, reason: 'v2 retrained' });
    await client.listRollouts('fraud');
    await client.getRollout('fraud', 'r/1');
    await client.abortRollout('fraud', 'r1', { reason: 'p95 looks off' });
    await client.abortRollout('fraud detector', 'r2');
    expect(requests.map((request) => `${request.method} ${request.url.replace('http://api.test', '')}`)).toEqual([
      'POST /v1/endpoints/fraud/rollouts',
      'GET /v1/endpoints/fraud/rollouts',
      'GET /v1/endpoints/fraud/rollouts/r%2F1',
      'POST /v1/endpoints/fraud/rollouts/r1/abort',
      'POST /v1/endpoints/fraud%20detector/rollouts/r2/abort',
    ]);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ model: 'fraud', version: 2, steps: [10, 50, 100], bakeSeconds: 60, expectedRevision: 4, reason: 'v2 retrained' });
    expect(JSON.parse(requests[3]?.body ?? '')).toEqual({ reason: 'p95 looks off' });
    // The API's body schema is strict and wants an object even without a reason.
    expect(JSON.parse(requests[4]?.body ?? '')).toEqual({});
  });

  it("turns a 409 (one is running already) into a ModelgateApiError with the API's detail", async () => {
    const problem = { type: 't', title: 'Conflict', status: 409, detail: 'endpoint "fraud" already has a rollout running', code: 'conflict' };
    const { client } = recordingClient(() => new Response(JSON.stringify(problem), { status: 409 }));
    const error = await client.startRollout('fraud', { model: 'fraud', version: 2, expectedRevision: 4 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 409, message: 'endpoint "fraud" already has a rollout running', problem: { code: 'conflict' } });
  });
});

describe('the metrics methods', () => {
  it('ask for a range with ISO instants and a step, or for the defaults', async () => {
    const { client, requests } = recordingClient(() => new Response('{"series":[]}'));
    await client.endpointMetrics('fraud detector', { from: new Date('2026-11-29T10:00:00Z'), to: '2026-11-29T11:00:00Z', step: 60 });
    await client.endpointMetrics('fraud');
    await client.metricsOverview({ step: 300 });
    expect(requests.map((request) => request.url.replace('http://api.test', ''))).toEqual([
      '/v1/endpoints/fraud%20detector/metrics?from=2026-11-29T10%3A00%3A00.000Z&to=2026-11-29T11%3A00%3A00Z&step=60',
      '/v1/endpoints/fraud/metrics',
      '/v1/metrics/overview?step=300',
    ]);
  });
});

describe('retryAfterSeconds', () => {
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-11-29T10:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Sun, 29 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
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

describe('the records, batch and stream methods', () => {
  it('call the routes the API serves, with encoded names, queries and bodies', async () => {
    const { client, requests } = recordingClient(() => new Response('{"items":[]}'));
    await client.pushRecords('fraud', { records: [{ key: 'order/1', inputs: { x: [[1, 2]] } }] });
    await client.listRecords('fraud', { status: 'failed', limit: 10, cursor: 'k 9' });
    await client.listRecords('fraud');
    await client.getRecord('fraud', 'order/1');
    await client.scoreRecords('fraud');
    await client.getSchedule('fraud');
    await client.setSchedule('fraud', { cron: '*/5 * * * *', timezone: 'Europe/Paris', rescoreOnPromote: true });
    await client.deleteSchedule('fraud');
    await client.listBatchJobs({ status: 'running' });
    await client.getBatchJob('j1');
    await client.cancelBatchJob('j1');
    await client.listBatchFailures('j1', { limit: 50, cursor: '120' });
    await client.createStream({ name: 'orders', endpoint: 'fraud', source: 'orders', sink: 'orders-scored' });
    await client.listStreams();
    await client.getStream('orders');
    await client.getStreamPrediction('orders', 'o/7');
    await client.pauseStream('orders');
    await client.resumeStream('orders');
    await client.deleteStream('orders');
    expect(requests.map((request) => `${request.method} ${request.url.replace('http://api.test', '')}`)).toEqual([
      'POST /v1/endpoints/fraud/records',
      'GET /v1/endpoints/fraud/records?status=failed&limit=10&cursor=k+9',
      'GET /v1/endpoints/fraud/records',
      'GET /v1/endpoints/fraud/records/order%2F1',
      'POST /v1/endpoints/fraud/records/score',
      'GET /v1/endpoints/fraud/schedule',
      'PUT /v1/endpoints/fraud/schedule',
      'DELETE /v1/endpoints/fraud/schedule',
      'GET /v1/batch-jobs?status=running',
      'GET /v1/batch-jobs/j1',
      'POST /v1/batch-jobs/j1/cancel',
      'GET /v1/batch-jobs/j1/failures?limit=50&cursor=120',
      'POST /v1/streams',
      'GET /v1/streams',
      'GET /v1/streams/orders',
      'GET /v1/streams/orders/predictions/o%2F7',
      'POST /v1/streams/orders/pause',
      'POST /v1/streams/orders/resume',
      'DELETE /v1/streams/orders',
    ]);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ records: [{ key: 'order/1', inputs: { x: [[1, 2]] } }] });
    expect(JSON.parse(requests[6]?.body ?? '')).toEqual({ cron: '*/5 * * * *', timezone: 'Europe/Paris', rescoreOnPromote: true });
    // `from` left out is left to the API's default, not sent as undefined or null.
    expect(JSON.parse(requests[12]?.body ?? '')).toEqual({ name: 'orders', endpoint: 'fraud', source: 'orders', sink: 'orders-scored' });
  });

  it('openBatchResults hands back the response unread, and a refusal as ModelgateApiError', async () => {
    let answer = new Response('row,y\n0,1.5\n', { status: 200, headers: { 'content-type': 'text/csv' } });
    const { client, requests } = recordingClient(() => answer, { token: 'mgp_3fA9xQ2p_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs' });

    const response = await client.openBatchResults('j 1', { format: 'csv' });
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('row,y\n0,1.5\n');
    expect(requests[0]?.url).toBe('http://api.test/v1/batch-jobs/j%201/results?format=csv');
    expect(requests[0]?.headers.get('authorization')).toMatch(/^Bearer mgp_/);

    const problem = { type: 't', title: 'Conflict', status: 409, detail: 'batch job j1 is still running: 120 of 5,000 rows done', code: 'conflict' };
    answer = new Response(JSON.stringify(problem), { status: 409 });
    const error = await client.openBatchResults('j1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelgateApiError);
    expect(error).toMatchObject({ status: 409, message: problem.detail });
    expect(requests[1]?.url).toBe('http://api.test/v1/batch-jobs/j1/results');
  });
});
