// Typed access to the repository's isolated test stack (scripts/lib/test-stack.mjs): the built api
// and worker as child processes on a fresh database, Redis prefix and data directory.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface TestStack {
  apiUrl: string;
  stop(): Promise<void>;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export async function startTestStack(): Promise<TestStack> {
  const missing = ['apps/api/dist/main.js', 'apps/worker/dist/main.js'].filter((built) => !existsSync(path.join(repoRoot, built)));
  if (missing.length) {
    throw new Error(`the test stack runs the built apps, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: run \`pnpm exec turbo run build --filter=@modelgate/api --filter=@modelgate/worker\` first`);
  }
  // A computed specifier: the script is plain JavaScript outside this package, without types.
  const script = pathToFileURL(path.join(repoRoot, 'scripts/lib/test-stack.mjs')).href;
  const { startStack } = (await import(script)) as { startStack: () => Promise<TestStack> };
  return startStack();
}

export const fixtureModelPath = (name: string) => path.join(repoRoot, 'fixtures/models', name, 'model.onnx');
