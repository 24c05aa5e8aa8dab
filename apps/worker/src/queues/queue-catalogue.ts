import { QueueFamily } from '@modelgate/contracts';

/** A processor for one queue family of the contracts catalogue. */
export interface QueueProcessorRegistration {
  family: QueueFamily;
  describe: string;
}

export class MissingProcessorError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `the worker has no processor for queue ${missing.map((family) => `"${family}" (${QueueFamily[family as QueueFamily]}*)`).join(', ')}: ` +
        'jobs sent there would wait forever. Register a processor for each queue in contracts QueueFamily.',
    );
    this.name = 'MissingProcessorError';
  }
}

/** Refuse to start with a queue nobody processes: a missing processor is a boot error, not a silent stall. */
export function assertEveryQueueHasProcessor(registrations: QueueProcessorRegistration[], catalogue: readonly string[] = Object.keys(QueueFamily)) {
  const registered = new Set(registrations.map((registration) => registration.family));
  const missing = catalogue.filter((family) => !registered.has(family as QueueFamily));
  if (missing.length > 0) throw new MissingProcessorError(missing);
}
