import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createAdmin, type Db } from '@modelgate/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { DB } from '../infrastructure/database.module.js';

/**
 * Creates the first admin from MODELGATE_ADMIN_EMAIL / MODELGATE_ADMIN_PASSWORD when no user
 * exists yet, so a new installation can be signed into (`modelgate users create-admin` does the
 * same from a shell). The password is stored as an argon2id hash and never logged.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdminService.name);

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async onApplicationBootstrap() {
    if ((await this.db.user.count()) > 0) return;
    const email = this.config.MODELGATE_ADMIN_EMAIL;
    const outcome = await createAdmin(this.db, { email, password: this.config.MODELGATE_ADMIN_PASSWORD });
    if (outcome === 'created') this.logger.log(`created the first admin user ${email}`);
  }
}
