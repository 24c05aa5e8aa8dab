import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ADMIN_TOKEN_FILE, API_URL } from './e2e-users.js';

/**
 * Test data goes in through the public API with the admin's personal token, as a person with curl
 * would: never straight into the database, so what the browser then shows is what the API made.
 */
export class SeedApi {
  constructor(
    readonly token: string,
    readonly apiUrl = API_URL,
  ) {}

  /** The admin's token the global setup saved for this run. */
  static asAdmin(): SeedApi {
    const { secret } = JSON.parse(readFileSync(ADMIN_TOKEN_FILE, 'utf8')) as { secret: string };
    return new SeedApi(secret);
  }

  /** Any call; the answer's status and parsed body, for tests that assert on refusals. */
  async call(method: string, route: string, body?: unknown, token: string | null = this.token, extraHeaders: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(route, this.apiUrl), {
      method,
      headers,
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text, the caller's assertion will show it.
    }
    return { status: response.status, body: parsed };
  }

  /** A call that must succeed: anything else fails the test with the API's own reason. */
  async expect(method: string, route: string, body?: unknown, statuses: number[] = [200, 201]): Promise<any> {
    const answer = await this.call(method, route, body);
    if (!statuses.includes(answer.status)) {
      throw new Error(`${method} ${route} answered ${answer.status}: ${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)}`);
    }
    return answer.body;
  }

  /** `file`: a path, or the bytes themselves (a `modelVariant`). */
  async upload(model: string, file: string | Uint8Array, metadata?: Record<string, unknown>): Promise<{ version: number }> {
    const form = new FormData();
    if (metadata) form.set('metadata', JSON.stringify(metadata));
    form.set('file', new Blob([typeof file === 'string' ? await readFile(file) : new Uint8Array(file)]), 'model.onnx');
    return this.expect('POST', `/v1/models/${model}/versions`, form);
  }

  /**
   * A prediction as an application would send it; `version` pins a routed version with
   * `X-Modelgate-Version` instead of letting the weights choose.
   */
  async predict(endpoint: string, body: unknown, version?: number): Promise<{ status: number; body: any }> {
    return this.call('POST', `/v1/endpoints/${endpoint}/predict`, body, this.token, version === undefined ? {} : { 'x-modelgate-version': String(version) });
  }

  /** A new endpoint with `model@version` promoted to 100 % (revision 1). */
  async endpointServing(endpoint: string, model: string, version: number): Promise<void> {
    await this.expect('POST', '/v1/endpoints', { name: endpoint, description: `Seeded by the browser tests` });
    await this.expect('POST', `/v1/endpoints/${endpoint}/promote`, { model, version, expectedRevision: 0, reason: 'seeded primary' });
  }
}
