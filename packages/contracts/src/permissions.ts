import type { ApiKeyScopes, Role } from './auth.js';

/**
 * Who may do what. The API's guard and the dashboard (which disables what a role cannot do and
 * says why) both decide with these functions, so the README matrix, the server and the UI agree.
 */
export const Action = {
  /** Registry, endpoints, revisions: everything but secrets and admin pages. */
  read: 'read',
  predict: 'predict',
  /** Upload versions, edit their details, archive them. */
  manageModels: 'models.manage',
  /** Create endpoints and change their settings. */
  manageEndpoints: 'endpoints.manage',
  /** Deploy a split with canaries and shadows; data scientists keep ≥ 50 % on the primary. */
  deploy: 'endpoints.deploy',
  /** Send 100 % of an endpoint to one version. */
  promote: 'endpoints.promote',
  rollback: 'endpoints.rollback',
  startRollout: 'rollouts.start',
  manageUsers: 'users.manage',
  manageApiKeys: 'api_keys.manage',
  readAudit: 'audit.read',
  /** Your own session and personal tokens. */
  manageOwnTokens: 'tokens.own',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

export type Caller = { kind: 'user'; role: Role } | { kind: 'api_key'; scopes: ApiKeyScopes };

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

const VIEWER: readonly Action[] = [Action.read, Action.manageOwnTokens];
const DATA_SCIENTIST: readonly Action[] = [
  ...VIEWER,
  Action.predict,
  Action.manageModels,
  Action.manageEndpoints,
  Action.deploy,
  Action.startRollout,
];
export const ROLE_ACTIONS: Record<Role, readonly Action[]> = {
  viewer: VIEWER,
  data_scientist: DATA_SCIENTIST,
  admin: Object.values(Action),
};

const ADMIN_ONLY: Partial<Record<Action, string>> = {
  [Action.promote]: 'only admins can promote (send 100 % of an endpoint to one version)',
  [Action.rollback]: 'only admins can roll back an endpoint',
  [Action.manageUsers]: 'only admins can manage users',
  [Action.manageApiKeys]: 'only admins can manage API keys',
  [Action.readAudit]: 'only admins can read the audit log',
};

export function decide(caller: Caller, action: Action, context: { endpoint?: string } = {}): Decision {
  if (caller.kind === 'api_key') {
    if (action === Action.read) return caller.scopes.read ? ALLOWED : deny('this API key has no read scope');
    if (action === Action.predict) {
      const { predict } = caller.scopes;
      if (predict.includes('*') || (context.endpoint !== undefined && predict.includes(context.endpoint))) return ALLOWED;
      return deny(
        predict.length === 0
          ? 'this API key may not predict on any endpoint'
          : `this API key may predict on ${predict.join(', ')} only, not on "${context.endpoint ?? '?'}"`,
      );
    }
    return deny('API keys can only predict and read; sign in as a user (or use a personal token) for this');
  }
  if (ROLE_ACTIONS[caller.role].includes(action)) return ALLOWED;
  const adminOnly = ADMIN_ONLY[action];
  if (adminOnly) return deny(adminOnly);
  if (caller.role === 'viewer') return deny('viewers can look but not change anything; ask an admin for the data scientist role');
  return deny('your role does not allow this');
}

/** The most a data scientist may send to versions other than the endpoint's current primary. */
export const CANARY_LIMIT_PERCENT = 50;

export interface SplitRoute {
  /** Anything that identifies a version (the API uses version ids, the dashboard too). */
  version: string;
  weight: number;
  label?: string;
}

/**
 * The canary rule for a deploy (admins may deploy any split): the endpoint's primary — the
 * version the active revision sends the most traffic to — keeps at least 50 %, so a data
 * scientist can try a version on up to half the traffic but never replace the primary.
 */
export function decideSplit(role: Role, active: readonly SplitRoute[], proposed: readonly SplitRoute[]): Decision {
  if (role === 'admin') return ALLOWED;
  if (!ROLE_ACTIONS[role].includes(Action.deploy)) return decide({ kind: 'user', role }, Action.deploy);
  const primary = primaryOf(active);
  if (!primary) {
    return deny('the first deployment sends all traffic to one version, which only admins can do: ask an admin to promote a version first');
  }
  const kept = proposed.find((route) => route.version === primary.version)?.weight ?? 0;
  const away = 100 - kept;
  if (away > CANARY_LIMIT_PERCENT) {
    return deny(
      `data scientists can send at most ${CANARY_LIMIT_PERCENT} % away from the primary ${primary.label ?? primary.version} (now ${primary.weight} %); this split sends ${away} % elsewhere: ask an admin to promote`,
    );
  }
  return ALLOWED;
}

export function primaryOf<T extends { weight: number }>(routes: readonly T[]): T | undefined {
  return routes.reduce<T | undefined>((best, route) => (best === undefined || route.weight > best.weight ? route : best), undefined);
}
