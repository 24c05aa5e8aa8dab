import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import type { ApiConfig } from './config/api-config.js';
import { isOipPath, OipExceptionFilter } from './oip/oip-exception.filter.js';

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the API application (shared by main.ts and the integration tests). */
export async function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.MODELGATE_MAX_BODY_BYTES,
    // The dashboard's server proxies browsers' calls: believe its X-Forwarded-For for the client IP.
    trustProxy: config.MODELGATE_TRUST_PROXY,
    // Echo a caller's X-Request-Id when it is sane, otherwise mint one.
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Errors raised before a route is chosen (body parsing, size limits, unknown paths) reach only
  // global filters; under /v2 they still owe the caller the protocol's {"error"} body.
  const problemFilter = new ProblemFilter();
  const oipFilter = new OipExceptionFilter();
  app.useGlobalFilters({
    catch: (exception, host) => (isOipPath(host.switchToHttp().getRequest<FastifyRequest>().url) ? oipFilter : problemFilter).catch(exception, host),
  });
  // Binary request bodies (tensor bytes) arrive as one Buffer, under the same limit as JSON ones.
  app.useBodyParser('application/octet-stream', { bodyLimit: config.MODELGATE_MAX_BODY_BYTES });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: config.MODELGATE_MAX_UPLOAD_BYTES, files: 1 } });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  app.enableShutdownHooks();
  return app;
}
