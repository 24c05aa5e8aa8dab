import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, ProblemCode, problemType, type Problem } from '@modelgate/contracts';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from './problem.exception.js';

const CODE_BY_STATUS: Record<number, string> = {
  400: ProblemCode.badInput,
  404: ProblemCode.notFound,
  405: 'method_not_allowed',
  409: ProblemCode.conflict,
  413: ProblemCode.payloadTooLarge,
  415: ProblemCode.unsupportedMediaType,
  503: ProblemCode.unavailable,
};

/** Fastify's own errors (body parsing, limits) carry a status code and a FST_ code. */
interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

function problemFromFastifyError(error: FastifyLikeError): Problem | null {
  const status = error.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  let detail = error.message ?? 'bad request';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') detail = 'the request body is larger than the configured limit (MODELGATE_MAX_BODY_BYTES)';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') detail = `${detail}: send JSON with "Content-Type: application/json"`;
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') detail = 'the request body is empty: expected a JSON object';
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') detail = `the request body is not valid JSON: ${error.message}`;
  const code = CODE_BY_STATUS[status] ?? ProblemCode.badInput;
  return { type: problemType(code), title: 'Bad Request', status, detail, code };
}

export function toProblem(exception: unknown, instance: string, logger: Logger): { problem: Problem; headers: Record<string, string> } {
  if (exception instanceof ProblemException) return { problem: exception.toProblem(instance), headers: exception.headers };
  // Nest's Fastify adapter wraps Fastify's own errors (body limits, bad JSON) in an HttpException;
  // the original, with its FST_ code, is the cause and says more.
  const wrapped = exception instanceof HttpException ? problemFromFastifyError((exception.cause ?? {}) as FastifyLikeError) : null;
  if (wrapped) return { problem: { ...wrapped, instance }, headers: {} };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ProblemCode.internal : ProblemCode.badInput);
    return {
      problem: { type: problemType(code), title: exception.name, status, detail: exception.message, code, instance },
      headers: {},
    };
  }
  const fromFastify = problemFromFastifyError(exception as FastifyLikeError);
  if (fromFastify) return { problem: { ...fromFastify, instance }, headers: {} };
  logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
  return {
    problem: {
      type: problemType(ProblemCode.internal),
      title: 'Internal Server Error',
      status: 500,
      detail: 'an unexpected error occurred; it has been logged with this request id',
      code: ProblemCode.internal,
      instance,
    },
    headers: {},
  };
}

/** Request bodies up to this size are read to the end before an error is answered. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * An error answered while the client is still sending (a refused upload) can reach it as a broken
 * pipe instead of the explanation: the connection may be closed under its writes. So the unread rest
 * of a bounded body is read and dropped first; only a body above the limit (or one that stalls) is
 * answered at once, on a connection that then closes.
 */
function whenBodyDrained(request: IncomingMessage): Promise<boolean> {
  if (request.readableEnded || request.complete) return Promise.resolve(true);
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (!(declared <= DRAIN_LIMIT_BYTES)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (drained: boolean) => {
      clearTimeout(timer);
      request.off('end', onEnd).off('close', onClose);
      resolve(drained);
    };
    const onEnd = () => done(true);
    const onClose = () => done(request.complete);
    const timer = setTimeout(() => done(false), DRAIN_TIMEOUT_MS);
    request.on('end', onEnd).on('close', onClose);
    request.resume();
  });
}

/**
 * Answers an exception the way a filter renders it (problem details here, the Open Inference
 * Protocol's `{"error"}` under /v2), with the problem's status and headers, once the unread rest
 * of the request body is drained.
 */
export function answerException(
  exception: unknown,
  host: ArgumentsHost,
  logger: Logger,
  render: (problem: Problem) => { contentType: string; body: unknown },
): void {
  const http = host.switchToHttp();
  const request = http.getRequest<FastifyRequest>();
  const reply = http.getResponse<FastifyReply>();
  const { problem, headers } = toProblem(exception, request.url, logger);
  const { contentType, body } = render(problem);
  void whenBodyDrained(request.raw).then((drained) => {
    if (reply.sent || reply.raw.destroyed) return;
    if (!drained) reply.header('connection', 'close');
    void reply.status(problem.status).headers(headers).header('content-type', contentType).send(body);
  });
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost) {
    answerException(exception, host, this.logger, (problem) => ({ contentType: PROBLEM_CONTENT_TYPE, body: problem }));
  }
}
