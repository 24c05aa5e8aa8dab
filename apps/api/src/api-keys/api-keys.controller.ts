import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { Action, type ApiKey, type ApiKeyList, type CreatedApiKey } from '@modelgate/contracts';
import { Actor, Requires } from '../auth/auth.decorators.js';
import { CredentialService } from '../auth/credential.service.js';
import type { RequestActor } from '../auth/principal.js';

/** Application keys: scoped to predict (some or all endpoints) and optionally read. Admins only. */
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly credentials: CredentialService) {}

  @Get()
  @Requires(Action.manageApiKeys)
  list(): Promise<ApiKeyList> {
    return this.credentials.list('api_key');
  }

  @Post()
  @Requires(Action.manageApiKeys)
  create(@Body() body: unknown, @Actor() actor: RequestActor): Promise<CreatedApiKey> {
    return this.credentials.createApiKey(body, actor);
  }

  @Delete(':id')
  @Requires(Action.manageApiKeys)
  revoke(@Param('id') id: string, @Actor() actor: RequestActor): Promise<ApiKey> {
    return this.credentials.revoke('api_key', id, actor);
  }
}
