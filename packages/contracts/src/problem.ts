import { z } from 'zod';

/** RFC 9457 problem details, the body of every error the HTTP API returns. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Stable machine-readable codes; `type` is derived from them. */
export const ProblemCode = {
  validation: 'validation_failed',
  badInput: 'bad_input',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  csrf: 'csrf_token_invalid',
  rateLimited: 'rate_limited',
  notFound: 'not_found',
  conflict: 'conflict',
  staleRevision: 'stale_revision',
  versionInUse: 'version_in_use',
  invalidModel: 'invalid_model',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  notDeployed: 'not_deployed',
  queueFull: 'queue_full',
  timeout: 'inference_timeout',
  inferenceFailed: 'inference_failed',
  unavailable: 'unavailable',
  internal: 'internal_error',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

export const problemType = (code: string) => `https://modelgate.dev/problems/${code.replace(/_/g, '-')}`;
