import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { ServingMetrics } from './serving-metrics.js';

/** Prometheus scrape target; open like /healthz (it holds no secrets, only counts). */
@Controller()
@Public()
export class MetricsController {
  constructor(private readonly metrics: ServingMetrics) {}

  @Get('metrics')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
