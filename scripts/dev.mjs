#!/usr/bin/env node
// `npm run dev`: install, check services, migrate, build, start api + worker + web, seed the demo.
import path from 'node:path';
import { loadEnv } from './lib/env.mjs';
import { ProcessGroup, waitForHttp } from './lib/processes.mjs';
import { repoRoot, run, runPnpm } from './lib/pnpm.mjs';
import { createDemoKey, DEMO, seedDemo } from './lib/seed-demo.mjs';
import { issuePersonalToken } from './lib/sign-in.mjs';
import { checkServices } from './lib/services.mjs';

const step = (text) => console.log(`\n\x1b[1m▸ ${text}\x1b[0m`);

async function main() {
  const env = loadEnv();
  env.MODELGATE_LOG_FORMAT ||= 'pretty';
  step('Installing dependencies (pnpm, pinned in package.json)');
  await runPnpm(['install', '--frozen-lockfile']);

  step('Checking PostgreSQL and Redis');
  const problems = await checkServices({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });
  if (problems.length) {
    console.error('\n' + problems.join('\n\n'));
    process.exit(1);
  }

  step('Building packages, api and worker');
  await runPnpm(['exec', 'turbo', 'run', 'build', '--filter=!@modelgate/web', '--output-logs=errors-only']);

  step(`Applying migrations to ${env.DATABASE_URL.replace(/\/\/[^@]*@/, '//***@')}`);
  await run('node', ['packages/db/dist/migrations/cli.js', 'apply']);

  step('Starting api (:4000), worker and web (:3000)');
  const apiPort = env.MODELGATE_API_PORT || '4000';
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const group = new ProcessGroup();
  process.on('SIGINT', () => group.stop(0));
  process.on('SIGTERM', () => group.stop(0));
  group.start('api', 'node', ['dist/main.js'], { cwd: path.join(repoRoot, 'apps/api') });
  group.start('worker', 'node', ['dist/main.js'], { cwd: path.join(repoRoot, 'apps/worker') });
  group.start('web', 'node', ['server.mjs', '--dev'], {
    cwd: path.join(repoRoot, 'apps/web'),
    env: { MODELGATE_API_URL: env.MODELGATE_API_URL || apiUrl },
  });
  await waitForHttp(`${apiUrl}/readyz`, { what: 'the API' });

  step('Seeding the demo model and endpoint');
  const admin = { email: env.MODELGATE_ADMIN_EMAIL || 'admin@modelgate.local', password: env.MODELGATE_ADMIN_PASSWORD || 'modelgate-admin' };
  const adminToken = await issuePersonalToken(apiUrl, { ...admin, name: 'npm run dev seed' }).catch((error) => {
    throw new Error(`${error.message}\n(the seed signs in as MODELGATE_ADMIN_EMAIL with MODELGATE_ADMIN_PASSWORD; if you changed that user's password, set them in .env)`);
  });
  const demo = await seedDemo(apiUrl, adminToken.secret);
  const demoKey = await createDemoKey(apiUrl, adminToken.secret);
  await fetch(new URL(`/v1/auth/tokens/${adminToken.id}`, apiUrl), { method: 'DELETE', headers: { authorization: `Bearer ${adminToken.secret}` } });
  await waitForHttp('http://127.0.0.1:3000/', { what: 'the dashboard', timeoutMs: 120_000 });

  console.log(`
\x1b[1;32mModelgate is running.\x1b[0m
  Dashboard  http://localhost:3000
  API        ${apiUrl}   (health: ${apiUrl}/readyz)
  Sign in    ${admin.email} / ${env.MODELGATE_ADMIN_PASSWORD ? '(MODELGATE_ADMIN_PASSWORD)' : admin.password}
  Demo       model ${demo.model} v${demo.version} → endpoint ${demo.endpoint}

Try it:
  curl -s ${apiUrl}/v1/endpoints/${DEMO.endpoint}/predict \\
    -H 'authorization: Bearer ${demoKey}' \\
    -H 'content-type: application/json' \\
    -d '${JSON.stringify(DEMO.body)}'

(that key may only predict on ${DEMO.endpoint}; it was made for this start and is shown once)

Or with the CLI:  pnpm exec modelgate login && pnpm exec modelgate models list

Ctrl-C stops everything.
`);
}

main().catch((error) => {
  console.error(`\n\x1b[31m${error.message}\x1b[0m`);
  process.exit(1);
});
