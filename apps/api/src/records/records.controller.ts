import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { Action, type InboxRecord, type PushRecordsResult, type RecordList, type Schedule, type ScoreRecordsAccepted } from '@modelgate/contracts';
import { Actor, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { RecordsService } from './records.service.js';
import { ScoringScheduleService } from './scoring-schedule.service.js';

/**
 * The records inbox and its schedule. Pushing records and asking for a run are predict-like (the
 * endpoint's application key may do them); reading them is a read; the schedule is endpoint
 * configuration.
 */
@Controller('v1/endpoints/:endpoint')
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly schedules: ScoringScheduleService,
  ) {}

  @Post('records')
  @Requires(Action.predict)
  @HttpCode(200)
  push(@Param('endpoint') endpoint: string, @Body() body: unknown): Promise<PushRecordsResult> {
    return this.records.push(endpoint, body);
  }

  @Get('records')
  @Requires(Action.read)
  list(@Param('endpoint') endpoint: string, @Query() query: unknown): Promise<RecordList> {
    return this.records.list(endpoint, query);
  }

  @Post('records/score')
  @Requires(Action.predict)
  @HttpCode(202)
  scoreNow(@Param('endpoint') endpoint: string, @Actor() actor: RequestActor): Promise<ScoreRecordsAccepted> {
    return this.schedules.runNow(endpoint, actor);
  }

  @Get('records/:key')
  @Requires(Action.read)
  get(@Param('endpoint') endpoint: string, @Param('key') key: string): Promise<InboxRecord> {
    return this.records.get(endpoint, key);
  }

  @Get('schedule')
  @Requires(Action.read)
  schedule(@Param('endpoint') endpoint: string): Promise<Schedule> {
    return this.schedules.get(endpoint);
  }

  @Put('schedule')
  @Requires(Action.manageEndpoints)
  putSchedule(@Param('endpoint') endpoint: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<Schedule> {
    return this.schedules.put(endpoint, body, actor);
  }

  @Delete('schedule')
  @Requires(Action.manageEndpoints)
  deleteSchedule(@Param('endpoint') endpoint: string, @Actor() actor: RequestActor): Promise<Schedule> {
    return this.schedules.remove(endpoint, actor);
  }
}
