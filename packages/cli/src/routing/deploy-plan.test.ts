import type { Revision } from '@modelgate/contracts';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { plannedRoutes, plannedShadows } from './deploy-plan.js';

const route = (model: string, version: number, weight: number) => ({ versionId: `${model}-${version}`, model, version, weight });
const shadow = (model: string, version: number, percent: number) => ({ versionId: `${model}-${version}`, model, version, percent });

function revision(routes: Revision['routes'], shadows: Revision['shadows'] = []): Revision {
  return { number: 4, kind: 'canary', routes, shadows, reason: 'r', createdBy: 'ada@example.com', createdAt: '2026-11-29T10:00:00.000Z' };
}

describe('plannedRoutes', () => {
  const withCanaries = revision([route('fraud', 1, 80), route('fraud', 2, 15), route('fraud', 3, 5)]);

  it('sends all traffic to the version without a weight (or with 100)', () => {
    expect(plannedRoutes('fraud', withCanaries, { model: 'fraud', version: 4 })).toEqual([{ model: 'fraud', version: 4, weight: 100 }]);
    expect(plannedRoutes('fraud', null, { model: 'fraud', version: 1 }, 100)).toEqual([{ model: 'fraud', version: 1, weight: 100 }]);
  });

  it('makes a canary next to the primary, which keeps the rest; other canaries are replaced', () => {
    expect(plannedRoutes('fraud', withCanaries, { model: 'fraud', version: 4 }, 10)).toEqual([
      { model: 'fraud', version: 1, weight: 90 },
      { model: 'fraud', version: 4, weight: 10 },
    ]);
    // A canary already routed gets the new weight.
    expect(plannedRoutes('fraud', withCanaries, { model: 'fraud', version: 2 }, 30)).toEqual([
      { model: 'fraud', version: 1, weight: 70 },
      { model: 'fraud', version: 2, weight: 30 },
    ]);
  });

  it('takes the primary from the version with the most traffic, wherever it is listed', () => {
    const primaryLast = revision([route('fraud', 2, 40), route('fraud-v2', 1, 60)]);
    expect(plannedRoutes('fraud', primaryLast, { model: 'fraud', version: 3 }, 50)[0]).toEqual({ model: 'fraud-v2', version: 1, weight: 50 });
  });

  it('refuses a canary on an endpoint without traffic, and the primary as its own canary', () => {
    expect(() => plannedRoutes('fraud', null, { model: 'fraud', version: 2 }, 10)).toThrow(
      new CliError('endpoint "fraud" routes no traffic yet, so there is no primary to keep the other 90 %: deploy fraud@v2 without --weight first'),
    );
    expect(() => plannedRoutes('fraud', withCanaries, { model: 'fraud', version: 1 }, 10)).toThrow(
      'fraud@v1 is already the primary of "fraud" (80 %): --weight gives a canary its share next to the primary; to send all traffic to it, leave --weight out',
    );
  });
});

describe('plannedShadows', () => {
  const active = revision([route('fraud', 1, 100)], [shadow('fraud', 2, 25), shadow('fraud', 3, 100)]);
  const routes = [{ model: 'fraud', version: 1, weight: 90 }, { model: 'fraud', version: 3, weight: 10 }];

  it("keeps the active revision's shadows unless a version is now routed", () => {
    expect(plannedShadows(active, undefined, routes)).toEqual([{ model: 'fraud', version: 2, percent: 25 }]);
    expect(plannedShadows(null, undefined, routes)).toEqual([]);
  });

  it('uses exactly those given with --shadow, and none with --no-shadow', () => {
    expect(plannedShadows(active, [{ model: 'fraud', version: 5, percent: 10 }], routes)).toEqual([{ model: 'fraud', version: 5, percent: 10 }]);
    expect(plannedShadows(active, false, routes)).toEqual([]);
  });
});
