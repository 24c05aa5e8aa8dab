import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
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
  list(@Query('q') query?: string): Promise<ModelList> {
    return this.models.list(query);
  }

  @Get(':model')
  get(@Param('model') model: string): Promise<ModelDetail> {
    return this.models.get(model);
  }

  @Get(':model/versions/:version')
  getVersion(@Param('model') model: string, @Param('version') version: string): Promise<ModelVersion> {
    return this.models.getVersion(model, version);
  }

  @Patch(':model/versions/:version')
  updateVersion(@Param('model') model: string, @Param('version') version: string, @Body() body: unknown): Promise<ModelVersion> {
    return this.models.updateVersion(model, version, body);
  }

  @Delete(':model/versions/:version')
  archiveVersion(@Param('model') model: string, @Param('version') version: string): Promise<ModelVersion> {
    return this.models.archiveVersion(model, version);
  }

  /** The artifact bytes: content-addressed, so the sha256 is a strong ETag and never changes. */
  @Get(':model/versions/:version/artifact')
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
