import type { Action, WhoAmI } from '@modelgate/contracts';
import type { ReactNode } from 'react';
import { decideFor } from '@/lib/caller';
import { NotAllowedPanel } from './not-allowed';

/**
 * What a page shows someone who may not use it (opened by its address): its header and why, in
 * place of the content, without asking the API for what it would refuse. Null when allowed.
 */
export function pageRefusal(session: WhoAmI, action: Action, header: ReactNode, what: string): ReactNode | null {
  const decision = decideFor(session, action);
  if (decision.allowed) return null;
  return (
    <>
      {header}
      <NotAllowedPanel what={what} reason={decision.reason} />
    </>
  );
}
