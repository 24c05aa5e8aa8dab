import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Action, type StreamBinding, type StreamBindingList, type StreamDeleted, type StreamPrediction } from '@modelgate/contracts';
import { Actor, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { StreamsService } from './streams.service.js';

/** Stream bindings, addressed by id or by name. */
@Controller('v1/streams')
export class StreamsController {
  constructor(private readonly streams: StreamsService) {}

  @Post()
  @Requires(Action.manageEndpoints)
  create(@Body() body: unknown, @Actor() actor: RequestActor): Promise<StreamBinding> {
    return this.streams.create(body, actor);
  }

  @Get()
  @Requires(Action.read)
  list(): Promise<StreamBindingList> {
    return this.streams.list();
  }

  @Get(':id')
  @Requires(Action.read)
  get(@Param('id') id: string): Promise<StreamBinding> {
    return this.streams.get(id);
  }

  @Get(':id/predictions/:key')
  @Requires(Action.read)
  prediction(@Param('id') id: string, @Param('key') key: string): Promise<StreamPrediction> {
    return this.streams.prediction(id, key);
  }

  @Post(':id/pause')
  @Requires(Action.manageEndpoints)
  @HttpCode(200)
  pause(@Param('id') id: string, @Actor() actor: RequestActor): Promise<StreamBinding> {
    return this.streams.pause(id, actor);
  }

  @Post(':id/resume')
  @Requires(Action.manageEndpoints)
  @HttpCode(200)
  resume(@Param('id') id: string, @Actor() actor: RequestActor): Promise<StreamBinding> {
    return this.streams.resume(id, actor);
  }

  @Delete(':id')
  @Requires(Action.manageEndpoints)
  delete(@Param('id') id: string, @Actor() actor: RequestActor): Promise<StreamDeleted> {
    return this.streams.delete(id, actor);
  }
}
