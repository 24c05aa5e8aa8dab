import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module.js';
import { AsyncPredictions } from './async-predictions.js';
import { GatewaySessions } from './gateway-sessions.js';
import { InferenceController } from './inference.controller.js';
import { InferenceDispatcher } from './inference-dispatcher.js';
import { InferenceService } from './inference.service.js';
import { VersionBatchers } from './version-batchers.js';
import { ShadowTraffic } from './shadow-traffic.js';

@Module({
  imports: [EndpointsModule],
  controllers: [InferenceController],
  providers: [InferenceService, InferenceDispatcher, GatewaySessions, VersionBatchers, ShadowTraffic, AsyncPredictions],
  exports: [InferenceService],
})
export class InferenceModule {}
