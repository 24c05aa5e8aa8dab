import type {
  ApiKeyList,
  BatchJob,
  BatchJobList,
  RecordList,
  Schedule,
  StreamBindingList,
  AuditList,
  AuditQuery,
  Endpoint,
  EndpointList,
  EndpointMetrics,
  MetricsOverview,
  MetricsRange,
  ModelDetail,
  ModelList,
  ModelVersion,
  Problem,
  RevisionList,
  RolloutList,
  UserList,
  WhoAmI,
} from '@modelgate/contracts';
import { headers } from 'next/headers';
import { auditSearch } from './audit-query';
import { webConfig } from './config';
import { metricsSearch } from './metrics-range';
import { describeFetchFailure, readProblem } from './problem';

/**
 * The one place the dashboard talks to the Modelgate HTTP API. Server components call these at
 * request time; errors come back as two typed exceptions so pages can tell "the API said no"
 * (a problem+json body) from "the API is not there at all".
 */

/** A slow or hung API should turn into a readable panel, not a page that never loads. */
const REQUEST_TIMEOUT_MS = 10_000;

export class ApiUnreachableError extends Error {
  constructor(
    readonly apiUrl: string,
    readonly reason: string,
  ) {
    super(`The Modelgate API at ${apiUrl} is not answering (${reason})`);
    this.name = 'ApiUnreachableError';
  }
}

export class ApiProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = 'ApiProblemError';
  }
}

export const getModels = () => request<ModelList>('/v1/models');

export const getModel = (model: string) => request<ModelDetail>(`/v1/models/${segment(model)}`);

export const getVersion = (model: string, version: number) =>
  request<ModelVersion>(`/v1/models/${segment(model)}/versions/${version}`);

export const getEndpoints = () => request<EndpointList>('/v1/endpoints');

export const getEndpoint = (endpoint: string) => request<Endpoint>(`/v1/endpoints/${segment(endpoint)}`);

export const getRevisions = (endpoint: string) =>
  request<RevisionList>(`/v1/endpoints/${segment(endpoint)}/revisions`);

/** The endpoint's progressive rollouts, newest first (at most one running). */
export const getRollouts = (endpoint: string) => request<RolloutList>(`/v1/endpoints/${segment(endpoint)}/rollouts`);

/** Latency and traffic per version over the named range, ending now. */
export const getEndpointMetrics = (endpoint: string, range: MetricsRange) =>
  request<EndpointMetrics>(`/v1/endpoints/${segment(endpoint)}/metrics${metricsSearch(range)}`);

/** Every endpoint's live traffic over the named range, ending now. */
export const getMetricsOverview = (range: MetricsRange) => request<MetricsOverview>(`/v1/metrics/overview${metricsSearch(range)}`);

/** Batch jobs, newest first (the first page: the dashboard shows the latest ones). */
export const getBatchJobs = () => request<BatchJobList>('/v1/batch-jobs');

export const getBatchJob = (id: string) => request<BatchJob>(`/v1/batch-jobs/${segment(id)}`);

/** The first page of an endpoint's records inbox, with its counts per status. */
export const getRecords = (endpoint: string, search: string) => request<RecordList>(`/v1/endpoints/${segment(endpoint)}/records${search}`);

/** The endpoint's scoring schedule (cron null without one), its next runs and run history. */
export const getSchedule = (endpoint: string) => request<Schedule>(`/v1/endpoints/${segment(endpoint)}/schedule`);

export const getStreams = () => request<StreamBindingList>('/v1/streams');

export const getWhoAmI = () => request<WhoAmI>('/v1/auth/me');

export const getPersonalTokens = () => request<ApiKeyList>('/v1/auth/tokens');

export const getUsers = () => request<UserList>('/v1/users');

export const getApiKeys = () => request<ApiKeyList>('/v1/api-keys');

export const getAudit = (query: AuditQuery) => request<AuditList>(`/v1/audit${auditSearch(query)}`);

function segment(value: string): string {
  return encodeURIComponent(value);
}

async function request<T>(path: string): Promise<T> {
  const { apiUrl } = webConfig();
  const url = `${apiUrl}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      cache: 'no-store',
      headers: await requestHeaders(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ApiUnreachableError(apiUrl, describeFetchFailure(error, REQUEST_TIMEOUT_MS));
  }

  const text = await response.text();
  if (!response.ok) throw new ApiProblemError(readProblem(response.status, response.statusText, text));
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiProblemError({
      type: 'about:blank',
      title: 'Unreadable API response',
      status: 502,
      detail: `GET ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      code: 'bad_gateway',
    });
  }
}

/** The dashboard acts for the person using it: their session cookie goes along to the API. */
async function requestHeaders(): Promise<Record<string, string>> {
  const result: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const cookie = (await headers()).get('cookie');
  if (cookie) result.cookie = cookie;
  return result;
}
