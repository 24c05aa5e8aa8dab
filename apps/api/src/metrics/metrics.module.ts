import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { ServingMetrics } from './serving-metrics.js';

@Global()
@Module({ controllers: [MetricsController], providers: [ServingMetrics], exports: [ServingMetrics] })
export class MetricsModule {}
