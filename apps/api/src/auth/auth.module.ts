import { Module } from '@nestjs/common';
import { FirstAdminService } from './first-admin.service.js';

@Module({ providers: [FirstAdminService] })
export class AuthModule {}
