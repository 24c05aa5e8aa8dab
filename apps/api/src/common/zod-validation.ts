import { ProblemCode } from '@modelgate/contracts';
import type { z } from 'zod';
import { ProblemException } from './problem.exception.js';

/** Parses a request part with its contracts schema; failures become one 400 listing every field. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path' = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const detail =
    value === undefined || value === null
      ? `the request ${where} is missing: expected a JSON object`
      : errors.map((error) => `${error.path}: ${error.message}`).join('; ');
  throw new ProblemException(400, ProblemCode.validation, detail, errors);
}
