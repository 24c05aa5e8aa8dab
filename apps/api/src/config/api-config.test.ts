import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { ApiEnv, loadApiConfig } from './api-config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('the API configuration', () => {
  it('documents every variable in the README table and .env.example', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const example = readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
    for (const variable of Object.keys(ApiEnv.shape)) {
      expect(readme, variable).toContain(`| \`${variable}\` |`);
      expect(example, variable).toMatch(new RegExp(`^(# )?${variable}=`, 'm'));
    }
  });

  it('refuses a bad value at boot, naming the variable and what it got', () => {
    const error = (() => {
      try {
        loadApiConfig({ MODELGATE_METRICS_FLUSH_MS: 'soon', MODELGATE_METRICS_RECORDING: 'yes' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/MODELGATE_METRICS_FLUSH_MS: .*\(got "soon"\)/);
    expect((error as Error).message).toMatch(/MODELGATE_METRICS_RECORDING: .*\(got "yes"\)/);
    expect(loadApiConfig({}).MODELGATE_METRICS_FLUSH_MS).toBe(5000);
    expect(loadApiConfig({ MODELGATE_METRICS_RECORDING: 'false' }).MODELGATE_METRICS_RECORDING).toBe(false);
  });
});
