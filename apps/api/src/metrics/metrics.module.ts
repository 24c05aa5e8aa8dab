import { Global, Module } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { LatencyRecorder } from './latency-recorder.js';
import { MetricsController, PrometheusController } from './metrics.controller.js';
import { MetricsQueryService } from './metrics-query.service.js';
import { RollupWriter } from './rollup-writer.js';
import { ServingMetrics } from './serving-metrics.js';

@Global()
@Module({
  controllers: [PrometheusController, MetricsController],
  providers: [
    { provide: LatencyRecorder, inject: [API_CONFIG], useFactory: (config: ApiConfig) => new LatencyRecorder(config.MODELGATE_METRICS_RECORDING) },
    ServingMetrics,
    RollupWriter,
    MetricsQueryService,
  ],
  exports: [ServingMetrics, LatencyRecorder, RollupWriter],
})
export class MetricsModule {}
