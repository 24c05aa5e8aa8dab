import { ModelgateClient } from '@modelgate/sdk';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { describeModel, describeModelList } from '../views/model-views.js';
import { describeVersion } from '../views/version-views.js';

/** `modelgate models list` */
export async function listModels(globals: GlobalOptions, context: CliContext): Promise<void> {
  const list = await new ModelgateClient({ apiUrl: globals.apiUrl }).listModels();
  if (globals.json) printJson(context, list);
  else context.stdout.write(`${describeModelList(list, context.stdoutStyle)}\n`);
}

/** `modelgate models show <model>` */
export async function showModel(model: string, globals: GlobalOptions, context: CliContext): Promise<void> {
  const detail = await new ModelgateClient({ apiUrl: globals.apiUrl }).getModel(model);
  if (globals.json) printJson(context, detail);
  else context.stdout.write(`${describeModel(detail, context.stdoutStyle)}\n`);
}

/** `modelgate versions show <model> <version>` */
export async function showVersion(model: string, version: number, globals: GlobalOptions, context: CliContext): Promise<void> {
  const found = await new ModelgateClient({ apiUrl: globals.apiUrl }).getVersion(model, version);
  if (globals.json) printJson(context, found);
  else context.stdout.write(`${describeVersion(found, context.stdoutStyle)}\n`);
}
