import { StreamMessageField } from '@modelgate/contracts';

/** A shell word in single quotes, whatever it holds. */
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

interface PublishExampleOptions {
  /** The Redis keys of the binding: what applications XADD to and read predictions from. */
  sourceKey: string;
  sinkKey: string;
  /** The message's `inputs`: a JSON object as a predict request's `inputs`. */
  inputsJson: string;
}

/**
 * What an application runs to publish one message to a bound stream and read its prediction back,
 * as redis-cli commands: any Redis client sends the same XADD (fields `key` and `inputs`).
 */
export function streamPublishCommands({ sourceKey, sinkKey, inputsJson }: PublishExampleOptions): string {
  return [
    '# publish a message: "key" names the record (routing is sticky by it), "inputs" is a predict request\'s inputs',
    `redis-cli XADD ${shellQuote(sourceKey)} '*' ${StreamMessageField.key} order-1 ${StreamMessageField.inputs} ${shellQuote(inputsJson)}`,
    '',
    '# read the predictions (messageId, key, prediction, model, version — or error)',
    `redis-cli XREAD COUNT 10 BLOCK 5000 STREAMS ${shellQuote(sinkKey)} 0`,
  ].join('\n');
}

/** When an endpoint routes nothing yet, or its version cannot be read: inputs to fill in. */
export const PLACEHOLDER_INPUTS = '{"<input name>": [[…]]}';
