import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { Action, type PredictResponse } from '@modelgate/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Requires } from '../auth/auth.decorators.js';
import { InferenceService } from './inference.service.js';

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
    });
    return response;
  }
}
