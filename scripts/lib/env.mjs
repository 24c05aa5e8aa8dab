// Loads .env (when present) into process.env once, before any child starts, and fills the few
// defaults the scripts themselves need. The apps validate the full configuration at boot.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './pnpm.mjs';

export function loadEnv() {
  const file = path.join(repoRoot, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
  process.env.DATABASE_URL ||= 'postgresql://postgres@127.0.0.1:5432/modelgate';
  process.env.REDIS_URL ||= 'redis://127.0.0.1:6379';
  process.env.MODELGATE_DATA_DIR = path.resolve(repoRoot, process.env.MODELGATE_DATA_DIR || '.data');
  return process.env;
}
