'use client';

import type { Action, Decision } from '@modelgate/contracts';
import { createContext, type ReactNode, useContext } from 'react';
import { decideFor } from '@/lib/caller';
import type { Session } from '@/lib/session';

/**
 * The signed-in person, read once by the dashboard layout and handed to client components, so a
 * button can know whether its action is allowed without asking the API again.
 */
const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() is only available inside the dashboard layout (SessionProvider)');
  return session;
}

/**
 * Whether the signed-in person may take an action, and if not, the reason to show beside the
 * disabled control. The same rule the API enforces (contracts' `decide`), so the two agree.
 */
export function useCan(action: Action, context: { endpoint?: string } = {}): Decision {
  return decideFor(useSession(), action, context);
}
