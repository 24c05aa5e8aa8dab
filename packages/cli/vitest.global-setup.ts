import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestSourceChange(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceChange(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The integration tests run the built CLI (dist/main.js, which imports the sdk's dist) as a user
 * would. `turbo run test` has just built both; a plain `vitest run` after editing src would test
 * stale code, so rebuild what is missing or older than its source, the sdk first.
 */
export default function buildCliWhenStale(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const [name, entry] of [
    ['sdk', 'dist/index.js'],
    ['cli', 'dist/main.js'],
  ] as const) {
    const packageRoot = path.join(packagesDir, name);
    const built = path.join(packageRoot, entry);
    if (existsSync(built) && statSync(built).mtimeMs >= newestSourceChange(path.join(packageRoot, 'src'))) continue;
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageRoot, stdio: 'inherit' });
  }
}
