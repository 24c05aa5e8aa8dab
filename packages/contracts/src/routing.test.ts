import { describe, expect, it } from 'vitest';
import { chooseRoute, stickyFraction } from './routing.js';

describe('chooseRoute', () => {
  const routes = [
    { version: 1, weight: 90 },
    { version: 2, weight: 10 },
  ];

  it('picks by the cumulative weights', () => {
    expect(chooseRoute(routes, 0).version).toBe(1);
    expect(chooseRoute(routes, 0.8999).version).toBe(1);
    expect(chooseRoute(routes, 0.9).version).toBe(2);
    expect(chooseRoute(routes, 0.99999).version).toBe(2);
  });

  it('keeps a key on a growing canary', () => {
    const grown = [
      { version: 1, weight: 50 },
      { version: 2, weight: 50 },
    ];
    const keys = Array.from({ length: 1000 }, (_, index) => `user-${index}`);
    for (const key of keys) {
      if (chooseRoute(routes, stickyFraction(key)).version === 2) expect(chooseRoute(grown, stickyFraction(key)).version).toBe(2);
    }
  });
});

describe('stickyFraction', () => {
  it('is the same for the same key and spreads similar keys evenly over [0, 1)', () => {
    expect(stickyFraction('user-1')).toBe(stickyFraction('user-1'));
    const fractions = Array.from({ length: 10_000 }, (_, index) => stickyFraction(`user-${index}`));
    expect(fractions.every((fraction) => fraction >= 0 && fraction < 1)).toBe(true);
    const tenths = new Array(10).fill(0);
    for (const fraction of fractions) tenths[Math.floor(fraction * 10)] += 1;
    for (const count of tenths) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});
