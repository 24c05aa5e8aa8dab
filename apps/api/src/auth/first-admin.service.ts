import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Db } from '@modelgate/db';
import argon2 from 'argon2';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import { DB } from '../infrastructure/database.module.js';

/**
 * Creates the first admin from MODELGATE_ADMIN_EMAIL / MODELGATE_ADMIN_PASSWORD when no user
 * exists yet, so a new installation can be signed into. The password is stored as an argon2id
 * hash and never logged.
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
    const passwordHash = await argon2.hash(this.config.MODELGATE_ADMIN_PASSWORD, { type: argon2.argon2id });
    // Two API processes starting together on an empty database: the unique email keeps one admin.
    await this.db.user
      .create({ data: { email, name: 'Administrator', role: 'admin', passwordHash } })
      .then(() => this.logger.log(`created the first admin user ${email}`))
      .catch((error: { code?: string }) => {
        if (error.code !== 'P2002') throw error;
      });
  }
}
