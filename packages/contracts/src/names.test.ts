import { describe, expect, it } from 'vitest';
import { isUuid, ModelName } from './names.js';

describe('ModelName', () => {
  it.each(['fraud-detector', 'a1', 'mnist', '0-model'])('accepts %s', (name) => {
    expect(ModelName.safeParse(name).success).toBe(true);
  });
  it.each(['', 'a', 'new', 'Fraud', '-x', 'has space', 'a'.repeat(64), 'dots.not.allowed'])('refuses %j', (name) => {
    expect(ModelName.safeParse(name).success).toBe(false);
  });
});

describe('isUuid', () => {
  it('takes a UUID in either case, with its hyphens, and nothing else', () => {
    expect(isUuid('6f1c2f9e-0000-4000-8000-000000000001')).toBe(true);
    expect(isUuid('6F1C2F9E-0000-4000-8000-00000000000A')).toBe(true);
    for (const text of ['', 'fraud', '6f1c2f9e000040008000000000000001', '6f1c2f9e-0000-4000-8000-00000000000g', ' 6f1c2f9e-0000-4000-8000-000000000001']) expect(isUuid(text), text).toBe(false);
  });
});
