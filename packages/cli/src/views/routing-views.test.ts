import type { Endpoint, Revision } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../format/quantities.js';
import { createStyle } from '../format/style.js';
import { describeRevisionList, describeRoutingChange, formatRoutes, formatShadows } from './routing-views.js';

const plain = createStyle(false);
const route = (version: number, weight: number) => ({ versionId: `v${version}`, model: 'fraud', version, weight });
const shadow = (version: number, percent: number) => ({ versionId: `v${version}`, model: 'fraud', version, percent });

function revision(number: number, kind: Revision['kind'], routes: Revision['routes'], shadows: Revision['shadows'] = [], reason = 'why'): Revision {
  return { number, kind, routes, shadows, reason, createdBy: 'ada@example.com', createdAt: '2026-11-29T10:00:00.000Z' };
}

function endpointAt(active: Revision | null): Endpoint {
  return {
    id: 'e1',
    name: 'fraud',
    description: '',
    config: { placement: 'worker', batching: { maxBatchSize: 16, maxDelayMs: 0 }, scaling: { minReplicas: 1, idleTimeoutSec: 300 }, timeoutMs: 30_000, maxQueueDepth: 1000 },
    activeRevision: active,
    createdAt: '2026-11-29T09:00:00.000Z',
    updatedAt: '2026-11-29T10:00:00.000Z',
  };
}

describe('formatRoutes and formatShadows', () => {
  it('list versions as printed everywhere, with their share', () => {
    expect(formatRoutes([route(1, 90), route(2, 10)])).toBe('fraud@v1 90 %, fraud@v2 10 %');
    expect(formatShadows([shadow(3, 25)])).toBe('fraud@v3 25 %');
    expect(formatRoutes([])).toBe('');
  });
});

describe('describeRoutingChange', () => {
  it('shows the new revision next to the one it replaced', () => {
    const before = revision(4, 'deploy', [route(1, 100)], [shadow(3, 25)]);
    const after = revision(5, 'canary', [route(1, 90), route(2, 10)], [shadow(3, 25)], 'deploy fraud@v1 90 %, fraud@v2 10 %');
    expect(describeRoutingChange(before, endpointAt(after), plain).split('\n')).toEqual([
      'fraud is now at revision 5 (canary; was revision 4)',
      'routes   fraud@v1 100 % → fraud@v1 90 %, fraud@v2 10 %',
      'shadows  fraud@v3 25 % (unchanged)',
      'reason   deploy fraud@v1 90 %, fraud@v2 10 %',
    ]);
  });

  it('says "none" for an endpoint that had no revision, and for dropped shadows', () => {
    const first = describeRoutingChange(null, endpointAt(revision(1, 'deploy', [route(1, 100)])), plain);
    expect(first).toContain('fraud is now at revision 1 (deploy)\n');
    expect(first).toContain('routes   none → fraud@v1 100 %');
    expect(first).toContain('shadows  none (unchanged)');

    const promoted = describeRoutingChange(revision(5, 'canary', [route(1, 90), route(2, 10)], [shadow(3, 25)]), endpointAt(revision(6, 'promote', [route(2, 100)])), plain);
    expect(promoted).toContain('shadows  fraud@v3 25 % → none');
  });
});

describe('describeRevisionList', () => {
  it('lists revisions newest first with the active one marked', () => {
    const list = {
      items: [
        revision(3, 'rollback', [route(1, 100)], [], 'roll back to revision 1'),
        revision(2, 'canary', [route(1, 90), route(2, 10)], [shadow(3, 25)], 'try v2\nsecond line'),
        { ...revision(1, 'deploy', [route(1, 100)], [], 'first'), createdBy: null },
      ],
    };
    const lines = describeRevisionList('fraud', list, 3, plain).split('\n');
    const when = formatDateTime('2026-11-29T10:00:00.000Z');
    expect(lines).toEqual([
      `REVISION    KIND      ROUTES                        SHADOWS        REASON                   BY               WHEN`,
      `3 (active)  rollback  fraud@v1 100 %                —              roll back to revision 1  ada@example.com  ${when}`,
      `2           canary    fraud@v1 90 %, fraud@v2 10 %  fraud@v3 25 %  try v2                   ada@example.com  ${when}`,
      `1           deploy    fraud@v1 100 %                —              first                    —                ${when}`,
    ]);
  });

  it('says how to start when there are none', () => {
    expect(describeRevisionList('fraud', { items: [] }, null, plain)).toBe(
      'endpoint "fraud" has no revisions yet: send it traffic with `modelgate deploy fraud <model>@<version>`',
    );
  });
});
