import type {
  AbortRolloutBody,
  ApiKey,
  ApiKeyList,
  AuditList,
  AuditQuery,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateEndpointBody,
  CreatePersonalTokenBody,
  CreateUserBody,
  DeployBody,
  Endpoint,
  EndpointList,
  EndpointMetrics,
  MetricsOverview,
  ModelDetail,
  ModelList,
  ModelVersion,
  PredictRequest,
  PredictResponse,
  PromoteBody,
  RevisionList,
  RollbackBody,
  Rollout,
  RolloutList,
  StartRolloutBody,
  UpdateUserBody,
  UpdateVersionBody,
  User,
  UserList,
  WhoAmI,
} from '@modelgate/contracts';
import { DEFAULT_API_URL, apiPath, normalizeApiUrl } from './api-url.js';

/** A metrics range: instants (Date or ISO-8601) and a step in seconds, a multiple of 60; all optional. */
export interface MetricsRangeQuery {
  from?: Date | string;
  to?: Date | string;
  step?: number;
}

function rangeQuery(range: MetricsRangeQuery): Record<string, string | number | undefined> {
  const instant = (value: Date | string | undefined) => (value instanceof Date ? value.toISOString() : value);
  return { from: instant(range.from), to: instant(range.to), step: range.step };
}

/** `?name=value&…` of the defined members, or nothing. */
function searchOf(query: object): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  return params.size > 0 ? `?${params.toString()}` : '';
}
import { bearer, exchange, jsonOf, type HttpMethod } from './api-request.js';
import { checkToken } from './token.js';

export interface ModelgateClientOptions {
  /** Base URL of the API; defaults to http://127.0.0.1:4000. */
  apiUrl?: string;
  /**
   * An API key (`mgk_…`) or personal token (`mgp_…`), sent as `Authorization: Bearer` on every
   * request. Without one, the API answers 401 (a browser's same-origin session cookie would do for
   * reads, but this client sends no X-CSRF-Token, which changes made with a session need).
   */
  token?: string;
  /** A fetch implementation (tests, proxies, instrumented fetch); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

export interface PredictOptions {
  /** Sends the request to this version of what the endpoint routes to (`X-Modelgate-Version`). */
  version?: number;
  /** Correlates the request in the API's logs; echoed in the response (`X-Request-Id`). */
  requestId?: string;
}

/**
 * Typed client for the Modelgate HTTP API. Uses only `fetch`, so it runs in browsers too; the
 * streaming upload lives in `@modelgate/sdk/node`. Every error response becomes a ModelgateApiError,
 * and a request that gets no answer a ModelgateUnreachableError.
 */
export class ModelgateClient {
  readonly apiUrl: string;
  private readonly token: string | undefined;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(options: ModelgateClientOptions = {}) {
    this.apiUrl = normalizeApiUrl(options.apiUrl ?? DEFAULT_API_URL);
    this.token = options.token === undefined ? undefined : checkToken(options.token);
    // Bound: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Who the token (or session) belongs to: a user with their role, or an API key with its scopes. */
  me(): Promise<WhoAmI> {
    return this.request('GET', ['v1', 'auth', 'me']);
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

  /**
   * Deploys any split (weights adding up to 100) plus shadow copies, as a new revision. Data
   * scientists keep at least 50 % on the endpoint's primary version; admins may deploy anything.
   */
  deploy(endpoint: string, body: DeployBody): Promise<Endpoint> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'revisions'], { body });
  }

  /** Sends 100 % of the endpoint's traffic to one version, as a new revision (admins only). */
  promote(endpoint: string, body: PromoteBody): Promise<Endpoint> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'promote'], { body });
  }

  /** A new revision copying the previous one (or `toRevision`); admins only. */
  rollback(endpoint: string, body: RollbackBody): Promise<Endpoint> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'rollback'], { body });
  }

  /** The endpoint's revisions, newest first. */
  listRevisions(endpoint: string): Promise<RevisionList> {
    return this.request('GET', ['v1', 'endpoints', endpoint, 'revisions']);
  }

  /**
   * Starts a progressive rollout of one version (data scientists and admins): it gets `steps`
   * percent of the traffic in turn while guardrails compare it with the baseline. 409 while
   * another rollout of the endpoint is running.
   */
  startRollout(endpoint: string, body: StartRolloutBody): Promise<Rollout> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'rollouts'], { body });
  }

  /** The endpoint's rollouts, newest first, running or ended. */
  listRollouts(endpoint: string): Promise<RolloutList> {
    return this.request('GET', ['v1', 'endpoints', endpoint, 'rollouts']);
  }

  getRollout(endpoint: string, id: string): Promise<Rollout> {
    return this.request('GET', ['v1', 'endpoints', endpoint, 'rollouts', id]);
  }

  /** Stops a running rollout, with an optional reason; 409 when it is not running. */
  abortRollout(endpoint: string, id: string, body: AbortRolloutBody = {}): Promise<Rollout> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'rollouts', id, 'abort'], { body });
  }

  predict(endpoint: string, body: PredictRequest, options: PredictOptions = {}): Promise<PredictResponse> {
    const headers: Record<string, string> = {};
    if (options.version !== undefined) headers['x-modelgate-version'] = String(options.version);
    if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
    return this.request('POST', ['v1', 'endpoints', endpoint, 'predict'], { body, headers });
  }

  /** Application API keys (admins only); secrets are never listed. */
  listApiKeys(): Promise<ApiKeyList> {
    return this.request('GET', ['v1', 'api-keys']);
  }

  /** Creates an application key; the answer's `secret` is the only time it is ever shown. */
  createApiKey(body: CreateApiKeyBody): Promise<CreatedApiKey> {
    return this.request('POST', ['v1', 'api-keys'], { body });
  }

  /** Revokes a key (every API process refuses it within a second); answers the key as revoked. */
  revokeApiKey(id: string): Promise<ApiKey> {
    return this.request('DELETE', ['v1', 'api-keys', id]);
  }

  /** The caller's own personal tokens. */
  listPersonalTokens(): Promise<ApiKeyList> {
    return this.request('GET', ['v1', 'auth', 'tokens']);
  }

  /** A token acting as the calling user (with their role); the answer's `secret` is shown once. */
  createPersonalToken(body: CreatePersonalTokenBody): Promise<CreatedApiKey> {
    return this.request('POST', ['v1', 'auth', 'tokens'], { body });
  }

  /** Revokes one of the caller's own tokens (the one in use included); answers it as revoked. */
  revokePersonalToken(id: string): Promise<ApiKey> {
    return this.request('DELETE', ['v1', 'auth', 'tokens', id]);
  }

  /** Admins only. */
  listUsers(): Promise<UserList> {
    return this.request('GET', ['v1', 'users']);
  }

  createUser(body: CreateUserBody): Promise<User> {
    return this.request('POST', ['v1', 'users'], { body });
  }

  /** Changes the fields given: name, role, password, or `disabled` (which also ends their sessions). */
  updateUser(id: string, body: UpdateUserBody): Promise<User> {
    return this.request('PATCH', ['v1', 'users', id], { body });
  }

  /** The audit log, newest first, filtered; pass `nextCursor` back as `cursor` for the next page. */
  listAudit(query: AuditQuery = {}): Promise<AuditList> {
    return this.request('GET', ['v1', 'audit'], { search: searchOf(query) });
  }

  /** Per-version series (rps, error rate, p50/p95/p99, queue wait, batch size, cold starts) over a range. */
  endpointMetrics(endpoint: string, range: MetricsRangeQuery = {}): Promise<EndpointMetrics> {
    return this.request('GET', ['v1', 'endpoints', endpoint, 'metrics'], { search: searchOf(rangeQuery(range)) });
  }

  /** Every endpoint's live traffic over a range, all versions together. */
  metricsOverview(range: MetricsRangeQuery = {}): Promise<MetricsOverview> {
    return this.request('GET', ['v1', 'metrics', 'overview'], { search: searchOf(rangeQuery(range)) });
  }

  private async request<T>(
    method: HttpMethod,
    segments: readonly (string | number)[],
    options: { body?: unknown; search?: string; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const answer = await exchange(this.fetchImpl, this.apiUrl, {
      method,
      url: apiPath(this.apiUrl, segments) + (options.search ?? ''),
      headers: { ...options.headers, ...bearer(this.token) },
      body: options.body,
    });
    return jsonOf<T>(this.apiUrl, answer);
  }
}
