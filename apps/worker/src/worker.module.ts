import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { logTransport } from '@modelgate/contracts';
import { LoggerModule } from 'nestjs-pino';
import { WORKER_CONFIG, type WorkerConfig } from './config/worker-config.js';
import { InferenceQueueHost } from './inference/inference-queue-host.js';
import { InferenceProcessor } from './inference/inference.processor.js';
import { ModelSessions } from './inference/model-sessions.js';
import { BatchChunks } from './batch/batch-chunks.js';
import { BatchParent } from './batch/batch-parent.js';
import { BatchProcessor } from './batch/batch.processor.js';
import { BatchRecovery } from './batch/batch-recovery.js';
import { assertEveryQueueHasProcessor } from './queues/queue-catalogue.js';
import { RecordsRun } from './records/records-run.js';
import { RecordsScoringProcessor } from './records/records-scoring.processor.js';
import { RolloutJudge } from './rollouts/rollout-judge.js';
import { EndpointScorer } from './scoring/endpoint-scorer.js';
import { RollupDownsampler } from './rollups/rollup-downsampler.js';
import { StreamConsumers } from './streams/stream-consumers.js';
import { WorkerInfrastructure } from './worker-infrastructure.js';

/** Checks at boot that every queue family in the contracts catalogue has a processor here. */
@Injectable()
class QueueCatalogueCheck implements OnModuleInit {
  constructor(
    private readonly inference: InferenceProcessor,
    private readonly rollups: RollupDownsampler,
    private readonly rollouts: RolloutJudge,
    private readonly records: RecordsScoringProcessor,
    private readonly batch: BatchProcessor,
  ) {}
  onModuleInit() {
    assertEveryQueueHasProcessor([this.inference.registration, this.rollups.registration, this.rollouts.registration, this.records.registration, this.batch.registration]);
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { level: config.MODELGATE_LOG_LEVEL, transport: logTransport(config.MODELGATE_LOG_FORMAT) } })],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        WorkerInfrastructure,
        ModelSessions,
        InferenceProcessor,
        InferenceQueueHost,
        RollupDownsampler,
        RolloutJudge,
        EndpointScorer,
        StreamConsumers,
        RecordsRun,
        RecordsScoringProcessor,
        BatchParent,
        BatchChunks,
        BatchProcessor,
        BatchRecovery,
        QueueCatalogueCheck,
      ],
      exports: [InferenceQueueHost],
    };
  }
}
