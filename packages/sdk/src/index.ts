export {
  ModelgateClient,
  type BatchFailureListOptions,
  type BatchJobListOptions,
  type CreateStreamOptions,
  type MetricsRangeQuery,
  type ModelgateClientOptions,
  type PredictOptions,
  type RecordListOptions,
} from './client.js';
export { ModelgateApiError, ModelgateUnreachableError } from './errors.js';
export { DEFAULT_API_URL } from './api-url.js';
export { checkToken, tokenPrefix } from './token.js';
