import path from 'node:path';
import { uploadModelVersion } from '@modelgate/sdk/node';
import type { ApiAccess } from '../auth/api-access.js';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { assertReadableModelFile, buildUploadMetadata, type UploadMetadataOptions } from '../upload/upload-metadata.js';
import { createUploadProgress, progressModeFor } from '../upload/upload-progress.js';
import { describeUpload } from '../views/version-views.js';

export interface UploadModelOptions extends UploadMetadataOptions {
  quiet?: boolean;
}

/** `modelgate models upload <model> <file>` */
export async function uploadModel(
  model: string,
  filePath: string,
  options: UploadModelOptions,
  access: ApiAccess,
  globals: GlobalOptions,
  context: CliContext,
): Promise<void> {
  await assertReadableModelFile(filePath);
  const metadata = await buildUploadMetadata(options);
  const progress = createUploadProgress(progressModeFor(context.stderr, { json: globals.json, quiet: options.quiet }), context.stderr, path.basename(filePath));
  const outcome = await uploadModelVersion({
    apiUrl: access.apiUrl,
    token: access.token,
    model,
    filePath,
    metadata,
    onProgress: (sent, total) => progress.update(sent, total),
  }).finally(() => progress.finish());
  if (globals.json) printJson(context, outcome.version);
  else context.stdout.write(`${describeUpload(outcome.version, outcome.created, context.stdoutStyle)}\n`);
}
