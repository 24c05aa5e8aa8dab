'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False during the server render and the hydration that must match it, true from then on. For
 * what can only be drawn in the browser: charts that measure their box, times in the viewer's
 * own zone (the server's zone would make the two renders disagree).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
