import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ApiKeysController } from './api-keys.controller.js';

@Module({ imports: [AuthModule], controllers: [ApiKeysController] })
export class ApiKeysModule {}
