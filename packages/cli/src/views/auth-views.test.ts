import type { ApiKey, WhoAmI } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import type { ApiAccess } from '../auth/api-access.js';
import { createStyle } from '../format/style.js';
import { describeApiKeyList, describeScopes, describeWhoAmI } from './auth-views.js';

const plain = createStyle(false);
const KEY: ApiKey = {
  id: 'k1',
  kind: 'api_key',
  name: 'checkout',
  prefix: 'mgk_AbCd1234',
  scopes: { predict: ['fraud', 'iris'], read: true },
  rateLimit: null,
  owner: null,
  createdBy: 'ada@example.com',
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  createdAt: '2026-11-29T10:00:00.000Z',
};
const ACCESS: ApiAccess = { apiUrl: 'http://127.0.0.1:4000', token: 'mgp_3fA9xQ2p_secret', tokenSource: { source: 'config', prefix: 'mgp_3fA9xQ2p', configPath: '/home/ada/.config/modelgate/config.json' } };

describe('describeScopes', () => {
  it('lists endpoints, says "every endpoint" for *, and adds read', () => {
    expect(describeScopes(KEY.scopes)).toBe('predict: fraud, iris; read');
    expect(describeScopes({ predict: ['*'], read: false })).toBe('predict: every endpoint');
    expect(describeScopes(null)).toBe('—');
  });
});

describe('describeWhoAmI', () => {
  it('shows email, role, how and with which token prefix, never the secret', () => {
    const caller: WhoAmI = {
      kind: 'user',
      via: 'personal_token',
      csrfToken: null,
      sessionExpiresAt: null,
      user: { id: 'u1', email: 'ada@example.com', name: 'Ada', role: 'admin', disabledAt: null, lastLoginAt: null, createdAt: '2026-11-29T10:00:00.000Z' },
    };
    const text = describeWhoAmI(caller, ACCESS, plain);
    expect(text.split('\n')).toEqual([
      'email  ada@example.com',
      'name   Ada',
      'role   admin (Admin)',
      'via    personal token',
      'token  mgp_3fA9xQ2p saved in /home/ada/.config/modelgate/config.json',
      'api    http://127.0.0.1:4000',
    ]);
    expect(text).not.toContain('secret');
  });

  it('shows an API key by name, prefix and scopes', () => {
    const text = describeWhoAmI({ kind: 'api_key', apiKey: KEY }, { ...ACCESS, tokenSource: { source: 'environment', prefix: 'mgk_AbCd1234' } }, plain);
    expect(text).toContain('api key  checkout (mgk_AbCd1234)');
    expect(text).toContain('scopes   predict: fraud, iris; read');
    expect(text).toContain('token    mgk_AbCd1234 from MODELGATE_TOKEN');
  });
});

describe('describeApiKeyList', () => {
  it('tells active, expired and revoked keys apart', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    const rows = describeApiKeyList(
      [KEY, { ...KEY, id: 'k2', name: 'old', expiresAt: '2026-11-30T00:00:00.000Z' }, { ...KEY, id: 'k3', name: 'leaked', revokedAt: '2026-11-30T00:00:00.000Z' }],
      plain,
      now,
    ).split('\n');
    expect(rows[0]).toMatch(/^PREFIX +NAME +SCOPES +STATUS +EXPIRES +LAST USED +ID$/);
    expect(rows.slice(1).map((row) => row.split(/ {2,}/)[3])).toEqual(['active', 'expired', 'revoked']);
  });

  it('says how to make the first key', () => {
    expect(describeApiKeyList([], plain)).toBe('no API keys yet: create one with `modelgate api-keys create <name> --predict <endpoint>`');
  });
});
