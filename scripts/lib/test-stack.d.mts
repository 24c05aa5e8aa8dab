// Types for scripts/lib/test-stack.mjs, for the TypeScript tests that start the stack.
export const repoRoot: string;

export interface StartedStack {
  /** What the api and worker were started with (DATABASE_URL, MODELGATE_* …). */
  env: Record<string, string>;
  apiUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** A personal token of the first admin, for `Authorization: Bearer`. */
  adminToken: string;
  stop(): Promise<void>;
}

export const TEST_ADMIN: { email: string; password: string };
export function freePort(): Promise<number>;
export function startStack(options?: { apiPort?: number; quiet?: boolean; env?: Record<string, string> }): Promise<StartedStack>;
