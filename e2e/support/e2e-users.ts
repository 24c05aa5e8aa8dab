import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_ADMIN } from '../../scripts/lib/test-stack.mjs';
import { E2E_API_PORT, E2E_WEB_PORT } from './ports.mjs';

/** The people the browser tests act as: the stack's first admin, and two the global setup adds through the API. */
export const USERS = {
  admin: { email: TEST_ADMIN.email, password: TEST_ADMIN.password, name: '', role: 'admin' },
  dataScientist: { email: 'dana@modelgate.test', password: 'dana-data-scientist-pw', name: 'Dana Scientist', role: 'data_scientist' },
  viewer: { email: 'vic@modelgate.test', password: 'vic-the-viewer-password', name: 'Vic Viewer', role: 'viewer' },
} as const;

export type E2eUser = keyof typeof USERS;

export const API_URL = `http://127.0.0.1:${E2E_API_PORT}`;
export const WEB_URL = `http://127.0.0.1:${E2E_WEB_PORT}`;

/** Written by the global setup: one signed-in browser state per user, and the admin's seeding token. */
export const AUTH_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../.auth');

export function storageStateOf(user: E2eUser): string {
  return path.join(AUTH_DIR, `${user}.json`);
}

export const ADMIN_TOKEN_FILE = path.join(AUTH_DIR, 'admin-token.json');
