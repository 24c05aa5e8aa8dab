import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWhenStale } from '../../scripts/lib/build-when-stale.mjs';

/** inspectModelIsolated forks dist/inspect/inspection-child.js: Node 20 cannot run the .ts source. */
export default function buildRuntimeWhenStale(): void {
  buildWhenStale(path.dirname(fileURLToPath(import.meta.url)), 'dist/inspect/inspection-child.js');
}
