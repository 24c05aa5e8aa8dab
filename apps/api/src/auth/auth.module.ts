import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { CredentialResolver } from './credential-resolver.js';
import { CredentialService } from './credential.service.js';
import { FirstAdminService } from './first-admin.service.js';
import { SessionService } from './session.service.js';
import { TokenBuckets } from './token-buckets.js';

@Module({
  controllers: [AuthController],
  providers: [
    FirstAdminService,
    CredentialResolver,
    CredentialService,
    SessionService,
    TokenBuckets,
    // Global: every route of every module is closed unless it says otherwise.
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [CredentialResolver, CredentialService],
})
export class AuthModule {}
