import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module.js';
import { RecordsScoringQueue } from './records-scoring-queue.js';
import { RecordsController } from './records.controller.js';
import { RecordsService } from './records.service.js';
import { ScoringScheduleService } from './scoring-schedule.service.js';

@Module({
  imports: [EndpointsModule],
  controllers: [RecordsController],
  providers: [RecordsService, ScoringScheduleService, RecordsScoringQueue],
})
export class RecordsModule {}
