import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { logTransport } from '@modelgate/contracts';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BatchModule } from './batch/batch.module.js';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import { API_CONFIG, type ApiConfig } from './config/api-config.js';
import { EndpointsModule } from './endpoints/endpoints.module.js';
import { RecordsModule } from './records/records.module.js';
import { RolloutsModule } from './rollouts/rollouts.module.js';
import { StreamsModule } from './streams/streams.module.js';
import { HealthModule } from './health/health.module.js';
import { InferenceModule } from './inference/inference.module.js';
import { DatabaseModule } from './infrastructure/database.module.js';
import { RedisModule } from './infrastructure/redis.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModelsModule } from './models/models.module.js';
import { OipModule } from './oip/oip.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          // nestjs-pino's default route pattern matches nothing under Fastify here, which left
          // requests unlogged; a named wildcard (path-to-regexp v8) matches every route.
          forRoutes: [{ path: '*splat', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.MODELGATE_LOG_LEVEL,
            transport: logTransport(config.MODELGATE_LOG_FORMAT),
            // Credentials never reach the logs.
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
            autoLogging: { ignore: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url ?? '') },
          },
        }),
        DatabaseModule,
        RedisModule,
        ArtifactsModule,
        MetricsModule,
        AuditModule,
        AuthModule,
        UsersModule,
        ApiKeysModule,
        HealthModule,
        ModelsModule,
        EndpointsModule,
        RolloutsModule,
        BatchModule,
        StreamsModule,
        RecordsModule,
        InferenceModule,
        OipModule,
      ],
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}
