import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { Action, MetricsQuery, type EndpointMetrics, type MetricsOverview } from '@modelgate/contracts';
import type { FastifyReply } from 'fastify';
import { Public, Requires } from '../auth/auth.decorators.js';
import { parseRequest } from '../common/zod-validation.js';
import { MetricsQueryService } from './metrics-query.service.js';
import { ServingMetrics } from './serving-metrics.js';

/** Prometheus scrape target; open like /healthz (it holds no secrets, only counts). */
@Controller()
@Public()
export class PrometheusController {
  constructor(private readonly metrics: ServingMetrics) {}

  @Get('metrics')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}

/** Latency, throughput and errors per version, read from the rollups every API process writes. */
@Controller('v1')
export class MetricsController {
  constructor(private readonly metrics: MetricsQueryService) {}

  @Get('endpoints/:endpoint/metrics')
  @Requires(Action.read)
  endpointMetrics(@Param('endpoint') endpoint: string, @Query() query: Record<string, string>): Promise<EndpointMetrics> {
    return this.metrics.endpointMetrics(endpoint, parseRequest(MetricsQuery, query, 'query'));
  }

  @Get('metrics/overview')
  @Requires(Action.read)
  overview(@Query() query: Record<string, string>): Promise<MetricsOverview> {
    return this.metrics.overview(parseRequest(MetricsQuery, query, 'query'));
  }
}
