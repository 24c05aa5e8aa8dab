import { performance } from 'node:perf_hooks';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Action, RoutingHeader, type AsyncPrediction, type AsyncPredictionAccepted, type PredictResponse } from '@modelgate/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, AnyCaller, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { AsyncPredictions } from './async-predictions.js';
import { InferenceService, type InferenceOutcome } from './inference.service.js';
import type { InferenceTimings } from './version-batchers.js';

@Controller('v1')
export class InferenceController {
  constructor(
    private readonly inference: InferenceService,
    private readonly asyncPredictions: AsyncPredictions,
  ) {}

  @Post('endpoints/:endpoint/predict')
  @Requires(Action.predict)
  @HttpCode(200)
  async predict(
    @Param('endpoint') endpoint: string,
    @Body() body: unknown,
    @Headers('x-modelgate-version') pinnedVersion: string | undefined,
    @Headers('x-modelgate-shape') shapeHeader: string | undefined,
    @Query('async') runAsync: string | undefined,
    @Actor() actor: RequestActor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PredictResponse | AsyncPredictionAccepted> {
    const options = { ...arrivalOf(request, reply), ...(pinnedVersion ? { pinnedVersion } : {}), ...(shapeHeader ? { shapeHeader } : {}) };
    if (runAsync === 'true') {
      const accepted = await this.asyncPredictions.start(endpoint, actor.principal!, async () => (await this.inference.predict(endpoint, body, options)).response);
      reply.status(202).header('location', accepted.statusUrl);
      return accepted;
    }
    const { response, outcome } = await this.inference.predict(endpoint, body, options);
    reply.headers(servedHeaders(outcome));
    return response;
  }

  /** The outcome of an `?async=true` prediction, for whoever asked for it (or an admin). */
  @Get('predictions/:id')
  @AnyCaller()
  prediction(@Param('id') id: string, @Actor() actor: RequestActor): Promise<AsyncPrediction> {
    return this.asyncPredictions.get(id, actor.principal!);
  }
}

/**
 * What served the request, for people and load tests: the version and revision, the placement,
 * whether it paid a model load, how many requests shared its run, and Server-Timing (shown by
 * browsers' developer tools).
 */
/**
 * The request's id, when it arrived (Fastify's clock starts as it is received, so recorded
 * latency covers reading and parsing the body too) and its routing key.
 */
export function arrivalOf(request: FastifyRequest, reply: FastifyReply): { requestId: string; receivedAt: number; routingKey?: string } {
  const routingKey = request.headers[RoutingHeader.key];
  return { requestId: String(request.id), receivedAt: performance.now() - reply.elapsedTime, ...(typeof routingKey === 'string' && routingKey !== '' ? { routingKey } : {}) };
}

export function servedHeaders(outcome: InferenceOutcome): Record<string, string> {
  return {
    'x-modelgate-model': outcome.served.model,
    'x-modelgate-version': String(outcome.served.version),
    'x-modelgate-revision': String(outcome.endpoint.revision),
    'x-modelgate-placement': outcome.placement,
    ...timingHeaders(outcome.timings),
  };
}

function timingHeaders(timings: InferenceTimings): Record<string, string> {
  return {
    'x-modelgate-cold-start': String(timings.coldStart),
    'x-modelgate-batch-size': String(timings.batchSize),
    'server-timing': `queue;dur=${timings.queueMs.toFixed(2)}, inference;dur=${timings.inferenceMs.toFixed(2)}`,
  };
}
