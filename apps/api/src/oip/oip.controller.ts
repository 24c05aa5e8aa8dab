import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { Action } from '@modelgate/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Requires } from '../auth/auth.decorators.js';
import { arrivalOf, servedHeaders } from '../inference/inference.controller.js';
import { OipExceptionFilter } from './oip-exception.filter.js';
import { OipService, type OipInferenceAnswer } from './oip.service.js';

/**
 * The Open Inference Protocol v2 REST API (kserve/open-inference-protocol, inference_rest.md).
 * Each optional `/versions/{v}` segment is a route of its own: Nest path patterns have no optional
 * segments. The path parameter is `endpoint` because the auth guard reads it to check API keys.
 */
@Controller('v2')
@UseFilters(OipExceptionFilter)
export class OipController {
  constructor(private readonly oip: OipService) {}

  @Get()
  @Requires(Action.read)
  serverMetadata() {
    return this.oip.serverMetadata();
  }

  @Get('health/live')
  @Requires(Action.read)
  live() {
    return this.oip.live();
  }

  @Get('health/ready')
  @Requires(Action.read)
  ready() {
    return this.oip.ready();
  }

  @Get('models/:endpoint')
  @Requires(Action.read)
  modelMetadata(@Param('endpoint') endpoint: string) {
    return this.oip.modelMetadata(endpoint);
  }

  @Get('models/:endpoint/versions/:version')
  @Requires(Action.read)
  modelVersionMetadata(@Param('endpoint') endpoint: string, @Param('version') version: string) {
    return this.oip.modelMetadata(endpoint, version);
  }

  @Get('models/:endpoint/ready')
  @Requires(Action.read)
  modelReady(@Param('endpoint') endpoint: string) {
    return this.oip.modelReady(endpoint);
  }

  @Get('models/:endpoint/versions/:version/ready')
  @Requires(Action.read)
  modelVersionReady(@Param('endpoint') endpoint: string, @Param('version') version: string) {
    return this.oip.modelReady(endpoint, version);
  }

  @Post('models/:endpoint/infer')
  @Requires(Action.predict)
  @HttpCode(200)
  async infer(
    @Param('endpoint') endpoint: string,
    @Body() body: unknown,
    @Headers('inference-header-content-length') headerLength: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.oip.infer(endpoint, undefined, body, headerLength, arrivalOf(request, reply)));
  }

  @Post('models/:endpoint/versions/:version/infer')
  @Requires(Action.predict)
  @HttpCode(200)
  async inferVersion(
    @Param('endpoint') endpoint: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers('inference-header-content-length') headerLength: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.oip.infer(endpoint, version, body, headerLength, arrivalOf(request, reply)));
  }
}

/** What served the request (model, version, revision, placement, timings), as /v1 predict reports it. */
function answer(reply: FastifyReply, { body, headers, outcome }: OipInferenceAnswer) {
  reply.headers({ ...headers, ...servedHeaders(outcome) });
  return body;
}
