/**
 * Weighted route choice, shared by the API (requests) and the worker (records, batch rows, stream
 * messages): `fraction` in [0, 1) picks a route by the cumulative weights in the revision's order.
 * A random fraction spreads by weight; a key's hash (stickyFraction) keeps the key on one version
 * while the weights stay the same, and a canary that grows keeps the keys it already had.
 */
export function chooseRoute<T extends { weight: number }>(routes: readonly T[], fraction: number): T {
  let ticket = fraction * routes.reduce((sum, route) => sum + route.weight, 0);
  for (const route of routes) {
    ticket -= route.weight;
    if (ticket < 0) return route;
  }
  return routes[routes.length - 1]!;
}

/**
 * A key's place in [0, 1): FNV-1a over its UTF-16 code units, then a murmur3 finaliser so similar
 * keys ("user-1", "user-2") spread evenly.
 */
export function stickyFraction(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
