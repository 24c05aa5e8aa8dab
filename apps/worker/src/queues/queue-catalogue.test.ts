import { QueueFamily } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { assertEveryQueueHasProcessor, MissingProcessorError } from './queue-catalogue.js';

describe('assertEveryQueueHasProcessor', () => {
  it('accepts a worker that processes every queue family of the catalogue', () => {
    const registrations = Object.keys(QueueFamily).map((family) => ({ family: family as keyof typeof QueueFamily, describe: family }));
    expect(() => assertEveryQueueHasProcessor(registrations)).not.toThrow();
  });

  it('refuses to start when a queue family has no processor, naming it', () => {
    expect(() => assertEveryQueueHasProcessor([{ family: 'inference', describe: 'x' }], ['inference', 'batch'])).toThrow(MissingProcessorError);
    expect(() => assertEveryQueueHasProcessor([], ['inference'])).toThrow(/no processor for queue "inference" \(infer-\*\)/);
  });
});
