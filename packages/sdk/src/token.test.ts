import { describe, expect, it } from 'vitest';
import { checkToken, tokenPrefix } from './token.js';

const SECRET = 'mgp_3fA9xQ2p_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2Fs';

describe('tokenPrefix', () => {
  it('is the visible start the API lists, for personal tokens and API keys', () => {
    expect(tokenPrefix(SECRET)).toBe('mgp_3fA9xQ2p');
    expect(tokenPrefix('mgk_AbCd1234_a-b_c')).toBe('mgk_AbCd1234');
  });

  it('is undefined for anything not shaped like a Modelgate secret, so nothing else is ever echoed', () => {
    for (const other of ['', 'hunter2', 'mgp_short_x', 'ghp_0123456789abcdef', 'mgp_3fA9xQ2p_']) expect(tokenPrefix(other)).toBeUndefined();
  });
});

describe('checkToken', () => {
  it('passes a token through unchanged', () => {
    expect(checkToken(SECRET)).toBe(SECRET);
  });

  it('refuses an empty token and one with a line break or spaces, saying how to fix it', () => {
    expect(() => checkToken('')).toThrow('the Modelgate token is empty');
    expect(() => checkToken(`${SECRET}\n`)).toThrow('copy it again without the line break or spaces');
    expect(() => checkToken(`Bearer ${SECRET}`)).toThrow('whitespace');
  });
});
