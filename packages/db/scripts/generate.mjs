#!/usr/bin/env node
// Generates the Prisma client into src/generated/prisma (gitignored, regenerated on every build).
//
// `prisma generate` never runs the native schema engine, but the CLI still tries to download it
// from Prisma's servers unless PRISMA_SCHEMA_ENGINE_BINARY names an existing executable; those
// servers are unreachable on the build machines, so we point it at a no-op program. Migrations
// use the WebAssembly schema engine instead (src/migrations).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const prismaConfig = fileURLToPath(new URL('../../../prisma.config.ts', import.meta.url));
const prismaCli = require.resolve('prisma/build/index.js');

function noOpExecutable() {
  const explicit = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new Error(`PRISMA_SCHEMA_ENGINE_BINARY=${explicit} does not exist; unset it or point it at an executable`);
    }
    return explicit;
  }
  const candidate = ['/bin/true', '/usr/bin/true'].find((path) => existsSync(path));
  if (!candidate) {
    throw new Error('no /bin/true or /usr/bin/true to stand in for the schema engine; set PRISMA_SCHEMA_ENGINE_BINARY to any executable');
  }
  return candidate;
}

const result = spawnSync(process.execPath, [prismaCli, 'generate', '--config', prismaConfig], {
  cwd: packageDir,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: noOpExecutable(),
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});

if (result.error) throw result.error;
process.exit(result.status ?? 1);
