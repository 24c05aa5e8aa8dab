import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { ModelDetail, ModelList, ModelVersion } from '@modelgate/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModelsService } from './models.service.js';

@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post(':model/versions')
  async upload(@Param('model') model: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ModelVersion> {
    const { version, created } = await this.models.uploadVersion(model, request);
    reply.status(created ? 201 : 200).header('location', `/v1/models/${version.model}/versions/${version.version}`);
    return version;
  }

  @Get()
  list(): Promise<ModelList> {
    return this.models.list();
  }

  @Get(':model')
  get(@Param('model') model: string): Promise<ModelDetail> {
    return this.models.get(model);
  }

  @Get(':model/versions/:version')
  getVersion(@Param('model') model: string, @Param('version') version: string): Promise<ModelVersion> {
    return this.models.getVersion(model, version);
  }
}
