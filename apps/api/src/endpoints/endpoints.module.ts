import { Module } from '@nestjs/common';
import { EndpointRoutingService } from './endpoint-routing.service.js';
import { EndpointsController } from './endpoints.controller.js';
import { EndpointsService } from './endpoints.service.js';

@Module({
  controllers: [EndpointsController],
  providers: [EndpointsService, EndpointRoutingService],
  exports: [EndpointsService, EndpointRoutingService],
})
export class EndpointsModule {}
