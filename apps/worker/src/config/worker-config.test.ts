import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig, WorkerEnv } from './worker-config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('the worker configuration', () => {
  it('documents every variable in the README table and .env.example', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const example = readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
    for (const variable of Object.keys(WorkerEnv.shape)) {
      expect(readme, variable).toContain(`| \`${variable}\` |`);
      expect(example, variable).toMatch(new RegExp(`^(# )?${variable}=`, 'm'));
    }
  });

  it('refuses a retention that is not a whole number of hours, naming the variable', () => {
    expect(() => loadWorkerConfig({ MODELGATE_METRICS_MINUTE_RETENTION_HOURS: '1.5' })).toThrow(/MODELGATE_METRICS_MINUTE_RETENTION_HOURS: .*\(got "1.5"\)/);
    expect(loadWorkerConfig({}).MODELGATE_METRICS_HOUR_RETENTION_DAYS).toBe(90);
  });
});
