import type { ApiAccess } from '../auth/api-access.js';
import { clientFor } from '../auth/api-access.js';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { describeModel, describeModelList } from '../views/model-views.js';
import { describeVersion } from '../views/version-views.js';

/** `modelgate models list` */
export async function listModels(access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const list = await clientFor(access).listModels();
  if (globals.json) printJson(context, list);
  else context.stdout.write(`${describeModelList(list, context.stdoutStyle)}\n`);
}

/** `modelgate models show <model>` */
export async function showModel(model: string, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const detail = await clientFor(access).getModel(model);
  if (globals.json) printJson(context, detail);
  else context.stdout.write(`${describeModel(detail, context.stdoutStyle)}\n`);
}

/** `modelgate versions show <model> <version>` */
export async function showVersion(model: string, version: number, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const found = await clientFor(access).getVersion(model, version);
  if (globals.json) printJson(context, found);
  else context.stdout.write(`${describeVersion(found, context.stdoutStyle)}\n`);
}
