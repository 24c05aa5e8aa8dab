import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Endpoint, EndpointList, RevisionList } from '@modelgate/contracts';
import { EndpointsService } from './endpoints.service.js';

@Controller('v1/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  create(@Body() body: unknown): Promise<Endpoint> {
    return this.endpoints.create(body);
  }

  @Get()
  list(): Promise<EndpointList> {
    return this.endpoints.list();
  }

  @Get(':endpoint')
  get(@Param('endpoint') endpoint: string): Promise<Endpoint> {
    return this.endpoints.get(endpoint);
  }

  @Patch(':endpoint')
  update(@Param('endpoint') endpoint: string, @Body() body: unknown): Promise<Endpoint> {
    return this.endpoints.updateConfig(endpoint, body);
  }

  @Get(':endpoint/revisions')
  revisions(@Param('endpoint') endpoint: string): Promise<RevisionList> {
    return this.endpoints.revisions(endpoint);
  }

  @Post(':endpoint/promote')
  @HttpCode(200)
  promote(@Param('endpoint') endpoint: string, @Body() body: unknown): Promise<Endpoint> {
    return this.endpoints.promote(endpoint, body, null);
  }
}
