import { describe, expect, it } from 'vitest';
import { Action, decide, decideSplit } from './permissions.js';

const user = (role: 'admin' | 'data_scientist' | 'viewer') => ({ kind: 'user' as const, role });
const key = (predict: string[], read = false) => ({ kind: 'api_key' as const, scopes: { predict, read } });

describe('decide', () => {
  it('gives admins everything and explains admin-only actions to others', () => {
    for (const action of Object.values(Action)) expect(decide(user('admin'), action)).toEqual({ allowed: true });
    expect(decide(user('data_scientist'), Action.promote)).toEqual({ allowed: false, reason: 'only admins can promote (send 100 % of an endpoint to one version)' });
    expect(decide(user('viewer'), Action.manageApiKeys)).toEqual({ allowed: false, reason: 'only admins can manage API keys' });
    expect(decide(user('viewer'), Action.manageModels)).toMatchObject({ allowed: false, reason: expect.stringMatching(/^viewers can look/) });
  });

  it('lets data scientists upload, create endpoints, deploy and start rollouts, and viewers only read', () => {
    for (const action of [Action.manageModels, Action.manageEndpoints, Action.deploy, Action.startRollout, Action.predict, Action.read]) {
      expect(decide(user('data_scientist'), action).allowed).toBe(true);
    }
    expect(decide(user('viewer'), Action.read).allowed).toBe(true);
    expect(decide(user('viewer'), Action.predict).allowed).toBe(false);
  });

  it('limits API keys to predict on their endpoints and, with the scope, read', () => {
    expect(decide(key(['fraud']), Action.predict, { endpoint: 'fraud' }).allowed).toBe(true);
    expect(decide(key(['fraud']), Action.predict, { endpoint: 'churn' })).toEqual({ allowed: false, reason: 'this API key may predict on fraud only, not on "churn"' });
    expect(decide(key(['*']), Action.predict, { endpoint: 'anything' }).allowed).toBe(true);
    expect(decide(key([]), Action.read).allowed).toBe(false);
    expect(decide(key([], true), Action.read).allowed).toBe(true);
    expect(decide(key(['*'], true), Action.manageModels)).toMatchObject({ allowed: false, reason: expect.stringMatching(/^API keys can only predict and read/) });
  });
});

describe('decideSplit (the canary rule)', () => {
  const active = [{ version: 'v1', weight: 100, label: 'fraud@v1' }];
  it('lets a data scientist send up to 50 % away from the primary, no more', () => {
    expect(decideSplit('data_scientist', active, [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }]).allowed).toBe(true);
    expect(decideSplit('data_scientist', active, [{ version: 'v1', weight: 50 }, { version: 'v2', weight: 50 }]).allowed).toBe(true);
    expect(decideSplit('data_scientist', active, [{ version: 'v1', weight: 49 }, { version: 'v2', weight: 51 }])).toEqual({
      allowed: false,
      reason: 'data scientists can send at most 50 % away from the primary fraud@v1 (now 100 %); this split sends 51 % elsewhere: ask an admin to promote',
    });
    expect(decideSplit('data_scientist', active, [{ version: 'v2', weight: 100 }]).allowed).toBe(false);
  });

  it('takes the version with the most traffic as the primary, and refuses a first deployment', () => {
    const canary = [{ version: 'v1', weight: 70 }, { version: 'v2', weight: 30 }];
    expect(decideSplit('data_scientist', canary, [{ version: 'v1', weight: 60 }, { version: 'v2', weight: 40 }]).allowed).toBe(true);
    expect(decideSplit('data_scientist', canary, [{ version: 'v1', weight: 40 }, { version: 'v2', weight: 60 }]).allowed).toBe(false);
    expect(decideSplit('data_scientist', [], [{ version: 'v1', weight: 100 }]).allowed).toBe(false);
    expect(decideSplit('admin', [], [{ version: 'v1', weight: 100 }]).allowed).toBe(true);
    expect(decideSplit('viewer', active, [{ version: 'v1', weight: 90 }, { version: 'v2', weight: 10 }]).allowed).toBe(false);
  });
});
