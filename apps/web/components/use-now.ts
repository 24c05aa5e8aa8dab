'use client';

import { useEffect, useState } from 'react';

/**
 * The browser's clock (ms since the epoch), read again every `intervalMs` while `ticking`. Undefined
 * during the server render and hydration, so a live "time since" never disagrees with the server's.
 */
export function useNow(intervalMs: number, ticking = true): number | undefined {
  const [now, setNow] = useState<number>();
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, ticking]);
  return now;
}
