import { type DynamicModule, Module } from '@nestjs/common';
import { logTransport } from '@modelgate/contracts';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module.js';
import { ArtifactsModule } from './artifacts/artifacts.module.js';
import { API_CONFIG, type ApiConfig } from './config/api-config.js';
import { EndpointsModule } from './endpoints/endpoints.module.js';
import { HealthModule } from './health/health.module.js';
import { InferenceModule } from './inference/inference.module.js';
import { DatabaseModule } from './infrastructure/database.module.js';
import { RedisModule } from './infrastructure/redis.module.js';
import { ModelsModule } from './models/models.module.js';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.MODELGATE_LOG_LEVEL,
            transport: logTransport(config.MODELGATE_LOG_FORMAT),
            // Credentials never reach the logs.
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            autoLogging: { ignore: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url ?? '') },
          },
        }),
        DatabaseModule,
        RedisModule,
        ArtifactsModule,
        AuthModule,
        HealthModule,
        ModelsModule,
        EndpointsModule,
        InferenceModule,
      ],
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}
