import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = path.dirname(fileURLToPath(import.meta.url));

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
 * inspectModelIsolated forks dist/inspect/inspection-child.js (Node 20 cannot run the .ts source).
 * Rebuild only when dist is missing or older than src: `turbo run test` has just built it, and
 * rewriting dist while other packages' tests import it would race.
 */
export default function buildRuntimeWhenStale(): void {
  const child = path.join(packageRoot, 'dist/inspect/inspection-child.js');
  if (existsSync(child) && statSync(child).mtimeMs >= newestSourceChange(path.join(packageRoot, 'src'))) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageRoot, stdio: 'inherit' });
}
