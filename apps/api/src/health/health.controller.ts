import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Db } from '@modelgate/db';
import { Public } from '../auth/auth.decorators.js';
import { DB } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';

/** Liveness says the process runs; readiness says it can serve (PostgreSQL and Redis answer). */
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DB) private readonly db: Db,
    private readonly bus: RedisBus,
  ) {}

  @Get('healthz')
  live() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.indicators.check('database').attempt(async () => {
          await this.db.$queryRaw`SELECT 1`;
        }).withTimeout(2000),
      () => this.indicators.check('redis').attempt(async () => {
          await this.bus.connection.ping();
        }).withTimeout(2000),
    ]);
  }
}
