import type { Endpoint } from '@modelgate/contracts';
import { clientFor, type ApiAccess } from '../auth/api-access.js';
import { printJson, type CliContext, type GlobalOptions } from '../cli-context.js';
import { plannedRoutes, plannedShadows } from '../routing/deploy-plan.js';
import type { ShadowTarget, VersionReference } from '../routing/routing-arguments.js';
import { explainingStaleRevision } from '../routing/stale-revision.js';
import { describeRevisionList, describeRoutingChange } from '../views/routing-views.js';

/** `--expected-revision`, else the revision active when the endpoint was read (0 when it has none). */
export const expectedRevisionOf = (endpoint: Endpoint, option: number | undefined) => option ?? endpoint.activeRevision?.number ?? 0;

export interface DeployOptions {
  /** `--weight`: the version's share; the primary keeps the rest. */
  weight?: number;
  /** `--shadow` (each one), or false for `--no-shadow`; undefined keeps the active revision's. */
  shadow?: ShadowTarget[] | false;
  reason?: string;
  expectedRevision?: number;
}

export interface PromoteOptions {
  reason?: string;
  expectedRevision?: number;
}

export interface RollbackOptions {
  /** `--to`: the revision to copy; the API's default is the one before the active one. */
  to?: number;
  reason?: string;
  expectedRevision?: number;
}

/**
 * Shows a routing change: the endpoint as it is now (`--json`: as the API answered), next to the
 * revision it was at before.
 */
function printRoutingChange(before: Endpoint, after: Endpoint, globals: GlobalOptions, context: CliContext): void {
  if (globals.json) printJson(context, after);
  else context.stdout.write(`${describeRoutingChange(before.activeRevision, after, context.stdoutStyle)}\n`);
}

/** `modelgate deploy <endpoint> <model>@<version>`: all traffic, or a canary next to the primary. */
export async function deploy(endpoint: string, target: VersionReference, options: DeployOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const before = await client.getEndpoint(endpoint);
  const routes = plannedRoutes(endpoint, before.activeRevision, target, options.weight);
  const shadows = plannedShadows(before.activeRevision, options.shadow, routes);
  const after = await explainingStaleRevision(endpoint, () =>
    client.deploy(endpoint, { routes, shadows, expectedRevision: expectedRevisionOf(before, options.expectedRevision), ...(options.reason !== undefined ? { reason: options.reason } : {}) }),
  );
  printRoutingChange(before, after, globals, context);
}

/** `modelgate promote <endpoint> <model>@<version>`: 100 % to one version. */
export async function promote(endpoint: string, target: VersionReference, options: PromoteOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const before = await client.getEndpoint(endpoint);
  const after = await explainingStaleRevision(endpoint, () =>
    client.promote(endpoint, { ...target, expectedRevision: expectedRevisionOf(before, options.expectedRevision), ...(options.reason !== undefined ? { reason: options.reason } : {}) }),
  );
  printRoutingChange(before, after, globals, context);
}

/** `modelgate rollback <endpoint>`: a new revision copying the previous one (or `--to`). */
export async function rollback(endpoint: string, options: RollbackOptions, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  const before = await client.getEndpoint(endpoint);
  const after = await explainingStaleRevision(endpoint, () =>
    client.rollback(endpoint, {
      ...(options.to !== undefined ? { toRevision: options.to } : {}),
      expectedRevision: expectedRevisionOf(before, options.expectedRevision),
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    }),
  );
  printRoutingChange(before, after, globals, context);
}

/** `modelgate revisions <endpoint>`: newest first, the active one marked. */
export async function listRevisions(endpoint: string, access: ApiAccess, globals: GlobalOptions, context: CliContext): Promise<void> {
  const client = clientFor(access);
  // The endpoint says which revision is active; the list alone does not.
  const [list, current] = await Promise.all([client.listRevisions(endpoint), client.getEndpoint(endpoint)]);
  if (globals.json) printJson(context, list);
  else context.stdout.write(`${describeRevisionList(endpoint, list, current.activeRevision?.number ?? null, context.stdoutStyle)}\n`);
}
