import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module.js';
import { InferenceModule } from '../inference/inference.module.js';
import { OipController } from './oip.controller.js';
import { OipService } from './oip.service.js';

@Module({ imports: [EndpointsModule, InferenceModule], controllers: [OipController], providers: [OipService] })
export class OipModule {}
