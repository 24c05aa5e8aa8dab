import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Action, type Endpoint, type EndpointList, type RevisionList } from '@modelgate/contracts';
import { Actor, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { EndpointsService } from './endpoints.service.js';

@Controller('v1/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  @Requires(Action.manageEndpoints)
  create(@Body() body: unknown, @Actor() actor: RequestActor): Promise<Endpoint> {
    return this.endpoints.create(body, actor);
  }

  @Get()
  @Requires(Action.read)
  list(): Promise<EndpointList> {
    return this.endpoints.list();
  }

  @Get(':endpoint')
  @Requires(Action.read)
  get(@Param('endpoint') endpoint: string): Promise<Endpoint> {
    return this.endpoints.get(endpoint);
  }

  @Patch(':endpoint')
  @Requires(Action.manageEndpoints)
  update(@Param('endpoint') endpoint: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Endpoint> {
    return this.endpoints.updateConfig(endpoint, body, actor);
  }

  @Get(':endpoint/revisions')
  @Requires(Action.read)
  revisions(@Param('endpoint') endpoint: string): Promise<RevisionList> {
    return this.endpoints.revisions(endpoint);
  }

  /** Any split with canaries and shadows; the canary limit for data scientists is checked inside. */
  @Post(':endpoint/revisions')
  @Requires(Action.deploy)
  deploy(@Param('endpoint') endpoint: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Endpoint> {
    return this.endpoints.deploy(endpoint, body, actor);
  }

  @Post(':endpoint/promote')
  @Requires(Action.promote)
  @HttpCode(200)
  promote(@Param('endpoint') endpoint: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Endpoint> {
    return this.endpoints.promote(endpoint, body, actor);
  }

  @Post(':endpoint/rollback')
  @Requires(Action.rollback)
  @HttpCode(200)
  rollback(@Param('endpoint') endpoint: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Endpoint> {
    return this.endpoints.rollback(endpoint, body, actor);
  }
}
