import { HttpException } from '@nestjs/common';
import { ProblemCode, problemType, type Problem } from '@modelgate/contracts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An error the caller can act on, rendered as RFC 9457 problem details by ProblemFilter. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly errors?: Problem['errors'],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }

  toProblem(instance?: string): Problem {
    const status = this.getStatus();
    return {
      type: problemType(this.code),
      title: TITLES[status] ?? 'Error',
      status,
      detail: this.message,
      code: this.code,
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }

  static notFound(detail: string) {
    return new ProblemException(404, ProblemCode.notFound, detail);
  }
  static badInput(detail: string, errors?: Problem['errors']) {
    return new ProblemException(400, ProblemCode.badInput, detail, errors);
  }
  /** 401: no credentials, or ones that do not work (unknown, expired, revoked). */
  static unauthenticated(detail: string) {
    return new ProblemException(401, ProblemCode.unauthenticated, detail, undefined, { 'www-authenticate': 'Bearer realm="modelgate"' });
  }
  static forbidden(detail: string, code: string = ProblemCode.forbidden) {
    return new ProblemException(403, code, detail);
  }
  static rateLimited(detail: string, retryAfterMs: number) {
    return new ProblemException(429, ProblemCode.rateLimited, detail, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });
  }
  static conflict(detail: string, code: string = ProblemCode.conflict) {
    return new ProblemException(409, code, detail);
  }
}
