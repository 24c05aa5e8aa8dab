import type { ApiAccess } from '../auth/api-access.js';
import { clientFor } from '../auth/api-access.js';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { describeWhoAmI } from '../views/auth-views.js';

/** `modelgate whoami`: who the API takes this CLI for, and with which token. */
export async function whoAmI(access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const caller = await clientFor(access).me();
  if (globals.json) printJson(context, caller);
  else context.stdout.write(`${describeWhoAmI(caller, access, context.stdoutStyle)}\n`);
}
