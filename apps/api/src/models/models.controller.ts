import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { Action, type ModelDetail, type ModelList, type ModelVersion } from '@modelgate/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { ModelsService } from './models.service.js';

@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post(':model/versions')
  @Requires(Action.manageModels)
  async upload(
    @Param('model') model: string,
    @Req() request: FastifyRequest,
    @Actor() actor: RequestActor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ModelVersion> {
    const { version, created } = await this.models.uploadVersion(model, request, actor);
    reply.status(created ? 201 : 200).header('location', `/v1/models/${version.model}/versions/${version.version}`);
    return version;
  }

  @Get()
  @Requires(Action.read)
  list(@Query('q') query?: string): Promise<ModelList> {
    return this.models.list(query);
  }

  @Get(':model')
  @Requires(Action.read)
  get(@Param('model') model: string): Promise<ModelDetail> {
    return this.models.get(model);
  }

  @Get(':model/versions/:version')
  @Requires(Action.read)
  getVersion(@Param('model') model: string, @Param('version') version: string): Promise<ModelVersion> {
    return this.models.getVersion(model, version);
  }

  @Patch(':model/versions/:version')
  @Requires(Action.manageModels)
  updateVersion(@Param('model') model: string, @Param('version') version: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<ModelVersion> {
    return this.models.updateVersion(model, version, body, actor);
  }

  @Delete(':model/versions/:version')
  @Requires(Action.manageModels)
  archiveVersion(@Param('model') model: string, @Param('version') version: string, @Actor() actor: RequestActor): Promise<ModelVersion> {
    return this.models.archiveVersion(model, version, actor);
  }

  /** The artifact bytes: content-addressed, so the sha256 is a strong ETag and never changes. */
  @Get(':model/versions/:version/artifact')
  @Requires(Action.read)
  async artifact(
    @Param('model') model: string,
    @Param('version') version: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { version: found, stream } = await this.models.openArtifact(model, version);
    const etag = `"${found.sha256}"`;
    const digest = Buffer.from(found.sha256, 'hex').toString('base64');
    reply.headers({
      etag,
      digest: `sha-256=${digest}`,
      'repr-digest': `sha-256=:${digest}:`,
      'cache-control': 'private, max-age=31536000, immutable',
    });
    if (ifNoneMatch?.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      stream.destroy();
      await reply.status(304).send();
      return;
    }
    await reply
      .headers({
        'content-type': 'application/octet-stream',
        'content-length': String(found.sizeBytes),
        'content-disposition': `attachment; filename="${found.model}-v${found.version}.onnx"`,
      })
      .send(stream);
  }
}
