/**
 * Checks a token before it goes into a header: a secret copied with a trailing newline or a space
 * would otherwise fail inside fetch with a message about headers that names neither the token nor
 * the fix. Returns the token unchanged.
 */
export function checkToken(token: string): string {
  if (token === '') throw new TypeError('the Modelgate token is empty');
  if (/[\s\x00-\x1f\x7f]/.test(token)) {
    throw new TypeError('the Modelgate token contains whitespace or a control character: copy it again without the line break or spaces');
  }
  return token;
}

/**
 * The visible start of a secret, `mgp_3fA9xQ2p` of `mgp_3fA9xQ2p_<random>`: what the API lists
 * as the key's prefix, safe to print. Undefined when the secret does not have that shape.
 */
export function tokenPrefix(token: string): string | undefined {
  return /^(mg[a-z]_[A-Za-z0-9]{8})_[A-Za-z0-9_-]+$/.exec(token)?.[1];
}
