// For vitest global setups of packages whose tests run their own compiled output (a forked child
// script, a CLI run as a user would): rebuild with tsc only when `builtFile` is missing or older
// than the newest source. `npm test` has just built everything, and rewriting dist while other
// packages' tests import it would race, so an up-to-date build is left alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function newestSourceChange(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceChange(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export function buildWhenStale(packageRoot, builtFile) {
  const built = path.join(packageRoot, builtFile);
  if (existsSync(built) && statSync(built).mtimeMs >= newestSourceChange(path.join(packageRoot, 'src'))) return;
  const tsc = createRequire(path.join(packageRoot, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageRoot, stdio: 'inherit' });
}
