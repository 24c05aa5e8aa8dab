import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Action, type BatchFailureList, type BatchJob, type BatchJobList } from '@modelgate/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Actor, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { BatchService } from './batch.service.js';

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' } as const;

/**
 * Batch files. Submitting and cancelling is scoring, so it takes the predict permission (data
 * scientists, admins, and API keys allowed to predict on every endpoint); anyone who reads sees
 * jobs and downloads their results.
 */
@Controller('v1/batch-jobs')
export class BatchController {
  constructor(private readonly batch: BatchService) {}

  @Post()
  @Requires(Action.predict)
  async submit(@Req() request: FastifyRequest, @Actor() actor: RequestActor, @Res({ passthrough: true }) reply: FastifyReply): Promise<BatchJob> {
    const job = await this.batch.submit(request, actor);
    reply.status(201).header('location', `/v1/batch-jobs/${job.id}`);
    return job;
  }

  @Get()
  @Requires(Action.read)
  list(@Query() query: unknown): Promise<BatchJobList> {
    return this.batch.list(query);
  }

  @Get(':id')
  @Requires(Action.read)
  get(@Param('id') id: string): Promise<BatchJob> {
    return this.batch.get(id);
  }

  @Post(':id/cancel')
  @Requires(Action.predict)
  @HttpCode(200)
  cancel(@Param('id') id: string, @Actor() actor: RequestActor): Promise<BatchJob> {
    return this.batch.cancel(id, actor);
  }

  @Get(':id/failures')
  @Requires(Action.read)
  failures(@Param('id') id: string, @Query() query: unknown): Promise<BatchFailureList> {
    return this.batch.failures(id, query);
  }

  /** Written by PostgreSQL (COPY) and streamed as the caller reads; while the job runs, the rows written so far. */
  @Get(':id/results')
  @Requires(Action.read)
  async results(@Param('id') id: string, @Query() query: unknown, @Res() reply: FastifyReply): Promise<void> {
    const { job, format, stream } = await this.batch.openResults(id, query);
    await reply
      .headers({
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="batch-${job.id}-results.${format}"`,
        'x-modelgate-batch-status': job.status,
      })
      .send(stream);
  }
}
