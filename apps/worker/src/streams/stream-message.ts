import { StreamMessageField, StreamMessageKey } from '@modelgate/contracts';

/** A source message read as `{key, inputs}`, or why it cannot be (with its key when that much was readable). */
export type ParsedMessage = { ok: true; key: string; inputs: Record<string, unknown> } | { ok: false; key?: string; error: string };

const describe = (value: string) => (value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value));

/**
 * Reads a message's `key` and `inputs` (a JSON object, as a predict request's `inputs`). A message
 * that does not fit fails alone with a reason naming the field; it never stops the stream.
 */
export function parseStreamMessage(fields: Record<string, string>): ParsedMessage {
  const rawKey = fields[StreamMessageField.key];
  if (rawKey === undefined) {
    const sent = Object.keys(fields).map((name) => `"${name}"`);
    return { ok: false, error: `the message has no "key" field (fields sent: ${sent.length ? sent.join(', ') : 'none'}): send key and inputs` };
  }
  const keyCheck = StreamMessageKey.safeParse(rawKey);
  if (!keyCheck.success) return { ok: false, error: keyCheck.error.issues[0]!.message };
  const key = keyCheck.data;

  const rawInputs = fields[StreamMessageField.inputs];
  if (rawInputs === undefined) return { ok: false, key, error: 'the message has no "inputs" field: send inputs as a JSON object, e.g. {"features": [[0.1, 2.0, 3.5, 1.0]]}' };
  let inputs: unknown;
  try {
    inputs = JSON.parse(rawInputs);
  } catch (error) {
    return { ok: false, key, error: `the "inputs" field is not JSON (${(error as Error).message}): got ${describe(rawInputs)}` };
  }
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    return { ok: false, key, error: `the "inputs" field must be a JSON object keyed by input name, e.g. {"features": [[0.1, 2.0, 3.5, 1.0]]}; got ${describe(rawInputs)}` };
  }
  return { ok: true, key, inputs: inputs as Record<string, unknown> };
}
