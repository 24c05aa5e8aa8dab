export { ModelgateClient, type MetricsRangeQuery, type ModelgateClientOptions, type PredictOptions } from './client.js';
export { ModelgateApiError, ModelgateUnreachableError } from './errors.js';
export { DEFAULT_API_URL } from './api-url.js';
export { checkToken, tokenPrefix } from './token.js';
