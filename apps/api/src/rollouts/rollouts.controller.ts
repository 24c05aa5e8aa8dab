import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Action, type Rollout, type RolloutList } from '@modelgate/contracts';
import { Actor, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { RolloutsService } from './rollouts.service.js';

@Controller('v1/endpoints/:endpoint/rollouts')
export class RolloutsController {
  constructor(private readonly rollouts: RolloutsService) {}

  @Post()
  @Requires(Action.startRollout)
  start(@Param('endpoint') endpoint: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Rollout> {
    return this.rollouts.start(endpoint, body, actor);
  }

  @Get()
  @Requires(Action.read)
  list(@Param('endpoint') endpoint: string): Promise<RolloutList> {
    return this.rollouts.list(endpoint);
  }

  @Get(':id')
  @Requires(Action.read)
  get(@Param('endpoint') endpoint: string, @Param('id') id: string): Promise<Rollout> {
    return this.rollouts.get(endpoint, id);
  }

  /** Whoever may start a rollout may stop one: stopping is the safe direction. */
  @Post(':id/abort')
  @Requires(Action.startRollout)
  @HttpCode(200)
  abort(@Param('endpoint') endpoint: string, @Param('id') id: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Rollout> {
    return this.rollouts.abort(endpoint, id, body, actor);
  }
}
