import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module.js';
import { RolloutsController } from './rollouts.controller.js';
import { RolloutsService } from './rollouts.service.js';

@Module({
  imports: [EndpointsModule],
  controllers: [RolloutsController],
  providers: [RolloutsService],
})
export class RolloutsModule {}
