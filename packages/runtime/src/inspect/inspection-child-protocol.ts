import type { ModelInspection } from '@modelgate/contracts';

/** The one message the inspection child process sends back before it exits. */
export type InspectionChildReply =
  | { ok: true; inspection: ModelInspection }
  | { ok: false; invalidModel: true; code: string; message: string }
  | { ok: false; invalidModel: false; message: string };
