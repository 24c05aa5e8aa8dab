import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { Action, type User, type UserList } from '@modelgate/contracts';
import { Actor, Requires } from '../auth/auth.decorators.js';
import type { RequestActor } from '../auth/principal.js';
import { UsersService } from './users.service.js';

@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Requires(Action.manageUsers)
  list(): Promise<UserList> {
    return this.users.list();
  }

  @Post()
  @Requires(Action.manageUsers)
  create(@Body() body: unknown, @Actor() actor: RequestActor): Promise<User> {
    return this.users.create(body, actor);
  }

  @Patch(':id')
  @Requires(Action.manageUsers)
  update(@Param('id') id: string, @Body() body: unknown, @Actor() actor: RequestActor): Promise<User> {
    return this.users.update(id, body, actor);
  }
}
