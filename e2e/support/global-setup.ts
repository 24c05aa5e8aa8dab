import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from '@playwright/test';
import { issuePersonalToken } from '../../scripts/lib/sign-in.mjs';
import { ADMIN_TOKEN_FILE, API_URL, AUTH_DIR, type E2eUser, storageStateOf, USERS, WEB_URL } from './e2e-users.js';
import { SeedApi } from './seed-api.js';

/**
 * Runs once the stack answers (Playwright starts its webServer first): the admin's seeding token,
 * the data scientist and the viewer (added by the admin through the API), and one signed-in browser
 * state per user, so specs start signed in without going through the form every time.
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync(AUTH_DIR, { recursive: true });
  const token = await issuePersonalToken(API_URL, { email: USERS.admin.email, password: USERS.admin.password, name: 'browser tests seeding' });
  writeFileSync(ADMIN_TOKEN_FILE, JSON.stringify({ secret: token.secret }), { mode: 0o600 });

  const admin = new SeedApi(token.secret);
  for (const user of [USERS.dataScientist, USERS.viewer]) {
    await admin.expect('POST', '/v1/users', { email: user.email, name: user.name, role: user.role, password: user.password }, [201]);
  }

  for (const user of Object.keys(USERS) as E2eUser[]) {
    // Through the dashboard's own proxy, so the cookies belong to the dashboard's origin.
    const context = await request.newContext({ baseURL: WEB_URL });
    const response = await context.post('/api/v1/auth/login', { data: { email: USERS[user].email, password: USERS[user].password } });
    if (response.status() !== 200) throw new Error(`signing in as ${USERS[user].email} failed: ${response.status()} ${await response.text()}`);
    await context.storageState({ path: storageStateOf(user) });
    await context.dispose();
  }
}
