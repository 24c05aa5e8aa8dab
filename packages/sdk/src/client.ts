import type {
  AbortRolloutBody,
  BatchFailureList,
  BatchFileFormat,
  BatchJob,
  BatchJobList,
  BatchJobStatus,
  CreateStreamBody,
  InboxRecord,
  PushRecordsBody,
  PushRecordsResult,
  RecordList,
  RecordStatus,
  Schedule,
  ScheduleBody,
  ScoreRecordsAccepted,
  StreamBinding,
  StreamBindingList,
  StreamDeleted,
  StreamPrediction,
  StreamStart,
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
import { bearer, exchange, jsonOf, openStream, type HttpMethod } from './api-request.js';
import { DEFAULT_API_URL, apiPath, normalizeApiUrl } from './api-url.js';
import { checkToken } from './token.js';

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

/** A page of the records inbox: by status, up to `limit` (1–1000, default 100), after `cursor` (the previous page's `nextCursor`). */
export interface RecordListOptions {
  status?: RecordStatus;
  limit?: number;
  cursor?: string;
}

/** Batch jobs, newest first: by status, up to `limit` (1–200, default 50), after `cursor`. */
export interface BatchJobListOptions {
  status?: BatchJobStatus;
  limit?: number;
  cursor?: string;
}

/** Failed rows of a batch job in row order: up to `limit` (1–1000, default 100), after `cursor`. */
export interface BatchFailureListOptions {
  limit?: number;
  cursor?: string;
}

/** `from` may be left out: the API starts a new binding at the beginning of its source. */
export type CreateStreamOptions = Omit<CreateStreamBody, 'from'> & { from?: StreamStart };

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

  /**
   * Pushes up to 10,000 records into the endpoint's inbox, idempotent by key: a key sent again with
   * the same inputs changes nothing; with new inputs it is pending again (scored at the next run).
   */
  pushRecords(endpoint: string, body: PushRecordsBody): Promise<PushRecordsResult> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'records'], { body });
  }

  /** A page of the inbox in key order, with the counts per status of all its records. */
  listRecords(endpoint: string, options: RecordListOptions = {}): Promise<RecordList> {
    return this.request('GET', ['v1', 'endpoints', endpoint, 'records'], { search: searchOf(options) });
  }

  /** One record: its latest prediction, the version that made it and when, or why it failed. */
  getRecord(endpoint: string, key: string): Promise<InboxRecord> {
    return this.request('GET', ['v1', 'endpoints', endpoint, 'records', key]);
  }

  /** Queues a run scoring every pending record now (202); its outcome shows in `getSchedule`'s runs. */
  scoreRecords(endpoint: string): Promise<ScoreRecordsAccepted> {
    return this.request('POST', ['v1', 'endpoints', endpoint, 'records', 'score']);
  }

  /** The endpoint's scoring schedule (cron null when none), its next runs and the latest runs. */
  getSchedule(endpoint: string): Promise<Schedule> {
    return this.request('GET', ['v1', 'endpoints', endpoint, 'schedule']);
  }

  /** Sets (or replaces) the schedule: a cron expression, its time zone, and whether a promotion rescores everything. */
  setSchedule(endpoint: string, body: ScheduleBody): Promise<Schedule> {
    return this.request('PUT', ['v1', 'endpoints', endpoint, 'schedule'], { body });
  }

  /** Removes the schedule; records stay, and can still be scored with `scoreRecords`. */
  deleteSchedule(endpoint: string): Promise<Schedule> {
    return this.request('DELETE', ['v1', 'endpoints', endpoint, 'schedule']);
  }

  /** Batch jobs, newest first (submitting one streams a file: `submitBatchJob` in `@modelgate/sdk/node`). */
  listBatchJobs(options: BatchJobListOptions = {}): Promise<BatchJobList> {
    return this.request('GET', ['v1', 'batch-jobs'], { search: searchOf(options) });
  }

  /** One batch job with its progress: rows done of the total, failures, rows/s, seconds left. */
  getBatchJob(id: string): Promise<BatchJob> {
    return this.request('GET', ['v1', 'batch-jobs', id]);
  }

  /** Stops a queued or running job; rows already scored keep their results. */
  cancelBatchJob(id: string): Promise<BatchJob> {
    return this.request('POST', ['v1', 'batch-jobs', id, 'cancel']);
  }

  /** The rows that failed, with the file line each came from and why. */
  listBatchFailures(id: string, options: BatchFailureListOptions = {}): Promise<BatchFailureList> {
    return this.request('GET', ['v1', 'batch-jobs', id, 'failures'], { search: searchOf(options) });
  }

  /**
   * The job's results (row id and outputs per row) as CSV or JSONL (default: the format of the
   * file sent), as the API's response with its body unread: stream it where it should go
   * (`downloadBatchResults` in `@modelgate/sdk/node` writes it to a file).
   */
  openBatchResults(id: string, options: { format?: BatchFileFormat } = {}): Promise<Response> {
    return openStream(this.fetchImpl, this.apiUrl, {
      method: 'GET',
      url: apiPath(this.apiUrl, ['v1', 'batch-jobs', id, 'results']) + searchOf(options),
      headers: { accept: 'text/csv, application/x-ndjson, application/problem+json', ...bearer(this.token) },
    });
  }

  /** Binds a Redis Stream to an endpoint: its messages are scored and the predictions published to the sink. */
  createStream(body: CreateStreamOptions): Promise<StreamBinding> {
    return this.request('POST', ['v1', 'streams'], { body });
  }

  /** Every binding with its lag, pending messages, throughput and counts. */
  listStreams(): Promise<StreamBindingList> {
    return this.request('GET', ['v1', 'streams']);
  }

  /** One binding, by id or name. */
  getStream(idOrName: string): Promise<StreamBinding> {
    return this.request('GET', ['v1', 'streams', idOrName]);
  }

  /** The latest outcome a binding stored for one message key. */
  getStreamPrediction(idOrName: string, key: string): Promise<StreamPrediction> {
    return this.request('GET', ['v1', 'streams', idOrName, 'predictions', key]);
  }

  /** Stops reading the source; messages keep arriving there and are scored after `resumeStream`. */
  pauseStream(idOrName: string): Promise<StreamBinding> {
    return this.request('POST', ['v1', 'streams', idOrName, 'pause']);
  }

  resumeStream(idOrName: string): Promise<StreamBinding> {
    return this.request('POST', ['v1', 'streams', idOrName, 'resume']);
  }

  /** Deletes the binding, its consumer group and stored predictions; the streams themselves stay. */
  deleteStream(idOrName: string): Promise<StreamDeleted> {
    return this.request('DELETE', ['v1', 'streams', idOrName]);
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
