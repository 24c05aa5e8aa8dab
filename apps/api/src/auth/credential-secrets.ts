import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialKind } from '@modelgate/contracts';

/** `mgk_` application keys, `mgp_` personal tokens: recognisable in configs and by secret scanners. */
const KIND_MARKS: Record<CredentialKind, string> = { api_key: 'mgk', personal_token: 'mgp' };
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TOKEN_SHAPE = /^(mg[kp]_[A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewCredentialSecret {
  /** The whole secret, shown to the caller once. */
  secret: string;
  /** The visible, unique start (`mgk_3fA9xQ2p`), stored in clear to find the row. */
  prefix: string;
  /** sha256 of the whole secret: 256 random bits need no slow hash. */
  hash: string;
}

export function newCredentialSecret(kind: CredentialKind): NewCredentialSecret {
  const bytes = randomBytes(8);
  const id = Array.from(bytes, (byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join('');
  const prefix = `${KIND_MARKS[kind]}_${id}`;
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix, hash: sha256Hex(secret) };
}

/** The prefix of something shaped like a Modelgate key or token, or null. */
export function prefixOf(secret: string): string | null {
  return TOKEN_SHAPE.exec(secret)?.[1] ?? null;
}

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** Compares a presented secret with a stored hash in time independent of where they differ. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(sha256Hex(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** Session cookies and CSRF tokens: 256 random bits. */
export const newSessionSecret = () => randomBytes(32).toString('base64url');

/** Constant-time comparison of two short secrets (CSRF tokens). */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(sha256Hex(a), 'hex');
  const right = Buffer.from(sha256Hex(b), 'hex');
  return timingSafeEqual(left, right);
}
