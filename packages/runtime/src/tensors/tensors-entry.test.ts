import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('@modelgate/runtime/tensors', () => {
  it('loads nothing but its own files and contracts types (the API imports it without onnxruntime)', () => {
    const sources = readdirSync(here).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    for (const name of sources) {
      const text = readFileSync(path.join(here, name), 'utf8');
      for (const [, statement, specifier] of text.matchAll(/^(import[^'"]*)['"]([^'"]+)['"]/gm)) {
        const allowed = specifier!.startsWith('./') || (specifier === '@modelgate/contracts' && statement!.startsWith('import type'));
        expect(allowed, `${name} imports ${specifier}`).toBe(true);
      }
    }
  });
});
