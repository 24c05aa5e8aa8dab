import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createPrismaClient, type Db } from '@modelgate/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';

export const DB = Symbol('Db');

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DB) private readonly db: Db) {}
  async onApplicationShutdown() {
    await this.db.$disconnect();
  }
}

@Global()
@Module({
  providers: [
    { provide: DB, inject: [API_CONFIG], useFactory: (config: ApiConfig) => createPrismaClient(config.DATABASE_URL) },
    DatabaseLifecycle,
  ],
  exports: [DB],
})
export class DatabaseModule {}
