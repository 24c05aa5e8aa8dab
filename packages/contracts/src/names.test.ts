import { describe, expect, it } from 'vitest';
import { ModelName } from './names.js';

describe('ModelName', () => {
  it.each(['fraud-detector', 'a1', 'mnist', '0-model'])('accepts %s', (name) => {
    expect(ModelName.safeParse(name).success).toBe(true);
  });
  it.each(['', 'a', 'new', 'Fraud', '-x', 'has space', 'a'.repeat(64), 'dots.not.allowed'])('refuses %j', (name) => {
    expect(ModelName.safeParse(name).success).toBe(false);
  });
});
