import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { answerException } from '../common/problem.filter.js';

/** Where the Open Inference Protocol is served; its errors never take the problem+json form. */
export const OIP_PATH_PREFIX = '/v2';

export function isOipPath(url: string): boolean {
  return url === OIP_PATH_PREFIX || url.startsWith(`${OIP_PATH_PREFIX}/`) || url.startsWith(`${OIP_PATH_PREFIX}?`);
}

/**
 * Open Inference Protocol clients (Triton's, KServe's) read a failure from `{"error": "<message>"}`,
 * so under /v2 every error, the guard's 401/403 included, keeps its status and headers
 * (Retry-After, WWW-Authenticate) but carries the problem's detail in that body.
 */
@Catch()
export class OipExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OipExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost) {
    answerException(exception, host, this.logger, (problem) => ({ contentType: 'application/json; charset=utf-8', body: { error: problem.detail } }));
  }
}
