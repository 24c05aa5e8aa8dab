import type {
  CreateEndpointBody,
  Endpoint,
  EndpointList,
  ModelDetail,
  ModelList,
  ModelVersion,
  PredictRequest,
  PredictResponse,
  PromoteBody,
  UpdateVersionBody,
} from '@modelgate/contracts';
import { DEFAULT_API_URL, apiPath, normalizeApiUrl } from './api-url.js';
import { ModelgateApiError, ModelgateUnreachableError, connectionFailureReason } from './errors.js';
import { parseJsonAnswer, problemFromResponse } from './responses.js';

export interface ModelgateClientOptions {
  /** Base URL of the API; defaults to http://127.0.0.1:4000. */
  apiUrl?: string;
  /** A fetch implementation (tests, proxies, instrumented fetch); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

export interface PredictOptions {
  /** Sends the request to this version of what the endpoint routes to (`X-Modelgate-Version`). */
  version?: number;
  /** Correlates the request in the API's logs; echoed in the response (`X-Request-Id`). */
  requestId?: string;
}

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Typed client for the Modelgate HTTP API. Uses only `fetch`, so it runs in browsers too; the
 * streaming upload lives in `@modelgate/sdk/node`. Every error response becomes a ModelgateApiError,
 * and a request that gets no answer a ModelgateUnreachableError.
 */
export class ModelgateClient {
  readonly apiUrl: string;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(options: ModelgateClientOptions = {}) {
    this.apiUrl = normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL);
    // Bound: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Every model, by name; `query` keeps those whose name contains it. */
  listModels(options: { query?: string } = {}): Promise<ModelList> {
    const search = options.query ? `?q=${encodeURIComponent(options.query)}` : '';
    return this.request('GET', ['v1', 'models'], { search });
  }

  /** A model with all its versions, newest first (archived ones included). */
  getModel(model: string): Promise<ModelDetail> {
    return this.request('GET', ['v1', 'models', model]);
  }

  getVersion(model: string, version: number): Promise<ModelVersion> {
    return this.request('GET', ['v1', 'models', model, 'versions', version]);
  }

  /** Replaces the metadata fields given; `null` clears one. The artifact never changes. */
  updateVersion(model: string, version: number, body: UpdateVersionBody): Promise<ModelVersion> {
    return this.request('PATCH', ['v1', 'models', model, 'versions', version], { body });
  }

  /** Archives a version (it can no longer be deployed); 409 while an endpoint routes to it. */
  archiveVersion(model: string, version: number): Promise<ModelVersion> {
    return this.request('DELETE', ['v1', 'models', model, 'versions', version]);
  }

  listEndpoints(): Promise<EndpointList> {
    return this.request('GET', ['v1', 'endpoints']);
  }

  getEndpoint(name: string): Promise<Endpoint> {
    return this.request('GET', ['v1', 'endpoints', name]);
  }

  createEndpoint(body: CreateEndpointBody): Promise<Endpoint> {
    return this.request('POST', ['v1', 'endpoints'], { body });
  }

  /** Sends 100 % of the endpoint's traffic to one version, as a new revision. */
  promote(endpoint: string, body: PromoteBody): Promise<Endpoint> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'promote'], { body });
  }

  predict(endpoint: string, body: PredictRequest, options: PredictOptions = {}): Promise<PredictResponse> {
    const headers: Record<string, string> = {};
    if (options.version !== undefined) headers['x-modelgate-version'] = String(options.version);
    if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
    return this.request('POST', ['v1', 'endpoints', endpoint, 'predict'], { body, headers });
  }

  private async request<T>(
    method: HttpMethod,
    segments: readonly (string | number)[],
    options: { body?: unknown; search?: string; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(apiPath(this.apiUrl, segments) + (options.search ?? ''), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      text = await response.text();
    } catch (error) {
      throw new ModelgateUnreachableError(this.apiUrl, connectionFailureReason(error, this.apiUrl), { cause: error });
    }
    if (!response.ok) {
      throw new ModelgateApiError(problemFromResponse(this.apiUrl, { status: response.status, statusText: response.statusText, body: text }));
    }
    return parseJsonAnswer<T>(this.apiUrl, response.status, text);
  }
}
