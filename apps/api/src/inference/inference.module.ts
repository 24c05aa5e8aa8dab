import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module.js';
import { InferenceController } from './inference.controller.js';
import { InferenceDispatcher } from './inference-dispatcher.js';
import { InferenceService } from './inference.service.js';

@Module({ imports: [EndpointsModule], controllers: [InferenceController], providers: [InferenceService, InferenceDispatcher] })
export class InferenceModule {}
