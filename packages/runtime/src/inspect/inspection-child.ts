/**
 * Entry point of the child process `inspectModelIsolated` forks: inspects the file named in argv,
 * sends one reply over IPC and exits. A crash or hang here costs only this process.
 */
import type { InspectionChildReply } from './inspection-child-protocol.js';
import { inspectModel } from './inspect-model.js';
import { InvalidModelError } from './invalid-model-error.js';

async function replyWithInspection(filePath: string | undefined): Promise<InspectionChildReply> {
  if (!filePath) return { ok: false, invalidModel: false, message: 'inspection child started without a file path' };
  try {
    return { ok: true, inspection: await inspectModel(filePath) };
  } catch (error) {
    if (error instanceof InvalidModelError) return { ok: false, invalidModel: true, code: error.code, message: error.message };
    return { ok: false, invalidModel: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const reply = await replyWithInspection(process.argv[2]);
if (!process.send) {
  // Run by hand (not forked): print the answer instead.
  console.log(JSON.stringify(reply, null, 2));
} else {
  process.send(reply, () => process.exit(0));
}
