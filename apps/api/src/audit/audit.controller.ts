import { Controller, Get, Query } from '@nestjs/common';
import { Action, type AuditList } from '@modelgate/contracts';
import { Requires } from '../auth/auth.decorators.js';
import { AuditService } from './audit.service.js';

@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Requires(Action.readAudit)
  list(@Query() query: Record<string, string>): Promise<AuditList> {
    return this.audit.list(query);
  }
}
