import { type Action, type Caller, type Decision, decide, type WhoAmI } from '@modelgate/contracts';

/** The identity contracts' `decide` reasons about: a user by role, a key by its scopes. */
export function callerOf(whoAmI: WhoAmI): Caller {
  return whoAmI.kind === 'user'
    ? { kind: 'user', role: whoAmI.user.role }
    : { kind: 'api_key', scopes: whoAmI.apiKey.scopes ?? { predict: [], read: false } };
}

/** May this caller take the action? The rule the API enforces, asked in the dashboard to disable and explain. */
export function decideFor(whoAmI: WhoAmI, action: Action, context: { endpoint?: string } = {}): Decision {
  return decide(callerOf(whoAmI), action, context);
}
