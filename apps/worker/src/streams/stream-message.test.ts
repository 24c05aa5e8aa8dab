import { describe, expect, it } from 'vitest';
import { parseStreamMessage } from './stream-message.js';

describe('parseStreamMessage', () => {
  it('reads the key and the JSON inputs', () => {
    expect(parseStreamMessage({ key: 'order-1', inputs: '{"x": [[1, 2, 3, 4]]}' })).toEqual({ ok: true, key: 'order-1', inputs: { x: [[1, 2, 3, 4]] } });
  });

  it('fails a message without a key, naming the fields that came', () => {
    const parsed = parseStreamMessage({ inputs: '{}', note: 'hi' });
    expect(parsed).toEqual({ ok: false, error: expect.stringContaining('no "key" field (fields sent: "inputs", "note")') });
  });

  it('fails an empty or overlong key without a key to store it under', () => {
    expect(parseStreamMessage({ key: '', inputs: '{}' })).toEqual({ ok: false, error: expect.stringContaining('"key" field is empty') });
    expect(parseStreamMessage({ key: 'k'.repeat(257), inputs: '{}' })).toEqual({ ok: false, error: expect.stringContaining('longer than 256') });
  });

  it('keeps the key of a message whose inputs are missing, not JSON, or not an object', () => {
    expect(parseStreamMessage({ key: 'a' })).toEqual({ ok: false, key: 'a', error: expect.stringContaining('no "inputs" field') });
    const notJson = parseStreamMessage({ key: 'b', inputs: '{x: 1' });
    expect(notJson).toMatchObject({ ok: false, key: 'b' });
    expect(!notJson.ok && notJson.error).toMatch(/^the "inputs" field is not JSON \(.+\): got "\{x: 1"$/);
    for (const inputs of ['[1, 2]', '42', 'null', '"text"']) {
      expect(parseStreamMessage({ key: 'c', inputs })).toEqual({ ok: false, key: 'c', error: expect.stringContaining(`must be a JSON object keyed by input name`) });
    }
  });

  it('quotes at most 60 characters of a long bad value', () => {
    const parsed = parseStreamMessage({ key: 'd', inputs: `[${'9,'.repeat(100)}` });
    expect(!parsed.ok && parsed.error).toMatch(/got "\[9,9,.{55}"…$/);
  });
});
