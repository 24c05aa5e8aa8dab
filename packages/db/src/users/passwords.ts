import argon2 from 'argon2';

/**
 * Password hashing shared by the API (sign-in, user management) and the CLI's `users
 * create-admin`: argon2id with the library's defaults (64 MiB, 3 passes), the OWASP baseline.
 */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** Compares in constant time (argon2 does); false for a malformed hash rather than throwing. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
