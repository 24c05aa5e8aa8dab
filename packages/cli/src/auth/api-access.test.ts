import { describe, expect, it } from 'vitest';
import type { StoredCredentials } from '../config/config-file.js';
import { chooseApiAccess, sameApiUrl, signInHint } from './api-access.js';

const SAVED: StoredCredentials = {
  apiUrl: 'https://models.example',
  token: 'mgp_savedTok_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs',
  tokenId: 't1',
  prefix: 'mgp_savedTok',
  kind: 'personal_token',
  email: 'ada@example.com',
  issuedByCli: true,
};
const ENV_TOKEN = 'mgk_envToken_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs';
const CONFIG = '/home/ada/.config/modelgate/config.json';

describe('chooseApiAccess', () => {
  it('MODELGATE_TOKEN wins over the saved token', () => {
    const access = chooseApiAccess(undefined, { MODELGATE_TOKEN: ENV_TOKEN }, SAVED, CONFIG);
    expect(access).toEqual({ apiUrl: 'https://models.example', token: ENV_TOKEN, tokenSource: { source: 'environment', prefix: 'mgk_envToken' } });
  });

  it('uses the saved token, and its API as the default API URL', () => {
    expect(chooseApiAccess(undefined, {}, SAVED, CONFIG)).toEqual({
      apiUrl: 'https://models.example',
      token: SAVED.token,
      tokenSource: { source: 'config', prefix: 'mgp_savedTok', configPath: CONFIG },
    });
    expect(chooseApiAccess('https://models.example/', {}, SAVED, CONFIG).token).toBe(SAVED.token);
  });

  it('never sends the saved token to another API', () => {
    const access = chooseApiAccess('http://127.0.0.1:4000', {}, SAVED, CONFIG);
    expect(access).toEqual({ apiUrl: 'http://127.0.0.1:4000', token: undefined, tokenSource: { source: 'none', signedInTo: 'https://models.example' } });
  });

  it('sends MODELGATE_TOKEN to whichever API is named', () => {
    expect(chooseApiAccess('http://127.0.0.1:4000', { MODELGATE_TOKEN: ENV_TOKEN }, SAVED, CONFIG).token).toBe(ENV_TOKEN);
  });

  it('falls back to the local API without a token when nothing is saved; a blank MODELGATE_TOKEN counts as unset', () => {
    expect(chooseApiAccess(undefined, { MODELGATE_TOKEN: '  ' }, undefined, CONFIG)).toEqual({
      apiUrl: 'http://127.0.0.1:4000',
      token: undefined,
      tokenSource: { source: 'none', signedInTo: undefined },
    });
  });
});

describe('sameApiUrl', () => {
  it('ignores case of the host and trailing slashes, not ports or paths', () => {
    expect(sameApiUrl('http://Models.Example:4000/', 'http://models.example:4000')).toBe(true);
    expect(sameApiUrl('http://models.example:4000', 'http://models.example:4001')).toBe(false);
    expect(sameApiUrl('http://models.example/a', 'http://models.example/b')).toBe(false);
  });
});

describe('signInHint', () => {
  it('names the refused token by its prefix and says what to do', () => {
    expect(signInHint(chooseApiAccess(undefined, {}, SAVED, CONFIG))).toBe(
      `your saved token mgp_savedTok (in ${CONFIG}) expired or was revoked: run \`modelgate login\` to sign in again`,
    );
    expect(signInHint(chooseApiAccess(undefined, { MODELGATE_TOKEN: ENV_TOKEN }, undefined, CONFIG))).toBe(
      'the token in MODELGATE_TOKEN (mgk_envToken) was refused by http://127.0.0.1:4000: it expired, was revoked, or is for another deployment. Set a valid one, or unset it and run `modelgate login`',
    );
    expect(signInHint(chooseApiAccess(undefined, {}, undefined, CONFIG))).toBe(
      'not signed in: run `modelgate login`, or set MODELGATE_TOKEN to an API key or personal token',
    );
    expect(signInHint(chooseApiAccess('http://127.0.0.1:4000', {}, SAVED, CONFIG))).toBe(
      'not signed in to http://127.0.0.1:4000 (you are signed in to https://models.example): run `modelgate login --api-url http://127.0.0.1:4000`, or set MODELGATE_TOKEN',
    );
  });

  it('never prints a token that is not shaped like one, not even part of it', () => {
    const hint = signInHint(chooseApiAccess(undefined, { MODELGATE_TOKEN: 'hunter2-is-my-password' }, undefined, CONFIG));
    expect(hint).toContain('(not shaped like a Modelgate token)');
    expect(hint).not.toContain('hunter');
  });
});
