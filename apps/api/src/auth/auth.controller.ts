import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { Action, type ApiKey, type ApiKeyList, type CreatedApiKey, type WhoAmI } from '@modelgate/contracts';
import type { FastifyReply } from 'fastify';
import { Actor, AnyCaller, Public, Requires } from './auth.decorators.js';
import { CredentialService } from './credential.service.js';
import type { RequestActor } from './principal.js';
import { SessionService } from './session.service.js';

@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly sessions: SessionService,
    private readonly credentials: CredentialService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  login(@Body() body: unknown, @Actor() actor: RequestActor, @Res({ passthrough: true }) reply: FastifyReply): Promise<WhoAmI> {
    return this.sessions.login(body, actor, reply);
  }

  @Post('logout')
  @Requires(Action.manageOwnTokens)
  @HttpCode(204)
  async logout(@Actor() actor: RequestActor, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.logout(actor, reply);
  }

  /** Any authenticated caller, API keys included, may ask who it is. */
  @Get('me')
  @AnyCaller()
  me(@Actor() actor: RequestActor): Promise<WhoAmI> {
    return this.sessions.whoAmI(actor.principal!);
  }

  @Get('tokens')
  @Requires(Action.manageOwnTokens)
  tokens(@Actor() actor: RequestActor): Promise<ApiKeyList> {
    return this.credentials.list('personal_token', userIdOf(actor));
  }

  @Post('tokens')
  @Requires(Action.manageOwnTokens)
  createToken(@Body() body: unknown, @Actor() actor: RequestActor): Promise<CreatedApiKey> {
    return this.credentials.createPersonalToken(body, actor);
  }

  @Delete('tokens/:id')
  @Requires(Action.manageOwnTokens)
  revokeToken(@Param('id') id: string, @Actor() actor: RequestActor): Promise<ApiKey> {
    return this.credentials.revoke('personal_token', id, actor, userIdOf(actor));
  }
}

const userIdOf = (actor: RequestActor) => (actor.principal?.kind === 'user' ? actor.principal.user.id : '');
