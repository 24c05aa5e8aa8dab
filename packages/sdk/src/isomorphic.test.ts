import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceDir = path.dirname(fileURLToPath(import.meta.url));

/** Every module specifier the main entry reaches through its own relative imports. */
function importsReachableFrom(entry: string, seen = new Set<string>()): string[] {
  if (seen.has(entry)) return [];
  seen.add(entry);
  const source = readFileSync(entry, 'utf8');
  const specifiers = [...source.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)].map((match) => match[1] ?? '');
  return specifiers.flatMap((specifier) =>
    specifier.startsWith('.') ? importsReachableFrom(path.resolve(path.dirname(entry), specifier.replace(/\.js$/, '.ts')), seen) : [specifier],
  );
}

describe('the main entry', () => {
  it('stays isomorphic: fetch only, nothing from Node (uploads live in @modelgate/sdk/node)', () => {
    const external = importsReachableFrom(path.join(sourceDir, 'index.ts'));
    expect(external.length).toBeGreaterThan(0);
    expect(external.filter((specifier) => specifier.startsWith('node:') || !specifier.startsWith('@modelgate/'))).toEqual([]);
  });
});
