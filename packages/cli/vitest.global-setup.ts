import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWhenStale } from '../../scripts/lib/build-when-stale.mjs';

/** The integration tests run the built CLI (dist/main.js, which imports the sdk's dist) as a user would. */
export default function buildCliWhenStale(): void {
  const packagesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  buildWhenStale(path.join(packagesDir, 'sdk'), 'dist/index.js');
  buildWhenStale(path.join(packagesDir, 'cli'), 'dist/main.js');
}
