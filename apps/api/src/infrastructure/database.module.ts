import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createDatabase, type Database } from '@modelgate/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';

/** The Prisma client (`Db`). */
export const DB = Symbol('Db');
/** The pg pool Prisma runs on (`PgPool`), for what Prisma cannot do: COPY. */
export const PG_POOL = Symbol('PgPool');
const DATABASE = Symbol('Database');

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: Database) {}
  async onApplicationShutdown() {
    // Prisma, then the pool it runs on.
    await this.database.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [API_CONFIG],
      useFactory: (config: ApiConfig) => {
        const logger = new Logger('Database');
        return createDatabase(config.DATABASE_URL, { onPoolError: (error) => logger.warn(`PostgreSQL connection lost while idle: ${error.message}`) });
      },
    },
    { provide: DB, inject: [DATABASE], useFactory: (database: Database) => database.db },
    { provide: PG_POOL, inject: [DATABASE], useFactory: (database: Database) => database.pool },
    DatabaseLifecycle,
  ],
  exports: [DB, PG_POOL],
})
export class DatabaseModule {}
