import 'reflect-metadata';
import { ConfigError } from '@modelgate/contracts';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadWorkerConfig } from './config/worker-config.js';
import { InferenceQueueHost } from './inference/inference-queue-host.js';
import { WorkerModule } from './worker.module.js';

async function main() {
  const config = loadWorkerConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  const host = app.get(InferenceQueueHost);
  console.log(`Modelgate worker ${config.MODELGATE_WORKER_ID} ready: serving ${host.servedVersionIds.length} model version queue(s)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
