import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { Action, type PredictResponse } from '@modelgate/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Requires } from '../auth/auth.decorators.js';
import { InferenceService } from './inference.service.js';
import type { InferenceTimings } from './version-batchers.js';

@Controller('v1/endpoints')
export class InferenceController {
  constructor(private readonly inference: InferenceService) {}

  @Post(':endpoint/predict')
  @Requires(Action.predict)
  @HttpCode(200)
  async predict(
    @Param('endpoint') endpoint: string,
    @Body() body: unknown,
    @Headers('x-modelgate-version') pinnedVersion: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PredictResponse> {
    const { response, outcome } = await this.inference.predict(endpoint, body, { requestId: String(request.id), ...(pinnedVersion ? { pinnedVersion } : {}) });
    reply.headers({
      'x-modelgate-model': response.model,
      'x-modelgate-version': String(response.version),
      'x-modelgate-revision': String(response.revision),
      'x-modelgate-placement': outcome.placement,
      ...timingHeaders(outcome.timings),
    });
    return response;
  }
}

/**
 * How the request was served, for people and load tests: whether it paid a model load, how many
 * requests shared its run, and Server-Timing (shown by browsers' developer tools).
 */
export function timingHeaders(timings: InferenceTimings): Record<string, string> {
  return {
    'x-modelgate-cold-start': String(timings.coldStart),
    'x-modelgate-batch-size': String(timings.batchSize),
    'server-timing': `queue;dur=${timings.queueMs.toFixed(2)}, inference;dur=${timings.inferenceMs.toFixed(2)}`,
  };
}
