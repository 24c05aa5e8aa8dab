// Runs the pinned pnpm without needing a global install: the one on PATH when it is the pinned
// version, otherwise `npx pnpm@<pinned>` (fetched from the npm registry once, then cached).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pinned = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).packageManager.split('@')[1];

function pnpmOnPath() {
  try {
    return execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === pinned;
  } catch {
    return false;
  }
}

const usePath = pnpmOnPath();
export const pnpmCommand = usePath ? ['pnpm'] : ['npx', '--yes', `pnpm@${pinned}`];

/**
 * Environment for every child: no telemetry, and onnxruntime-node never tries to download CUDA.
 * A function, so children see what loadEnv() put into process.env after this module loaded.
 */
export const childEnv = () => ({
  ...process.env,
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
});

export function runPnpm(args, options = {}) {
  return run(pnpmCommand[0], [...pnpmCommand.slice(1), ...args], options);
}

export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env: childEnv(), ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? code}`));
    });
  });
}
