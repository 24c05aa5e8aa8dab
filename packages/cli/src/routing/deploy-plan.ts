import { primaryOf, type DeployBody, type Revision } from '@modelgate/contracts';
import { CliError } from '../cli-error.js';
import { versionLabel, type ShadowTarget, type VersionReference } from './routing-arguments.js';

type DeployRoute = DeployBody['routes'][number];
type DeployShadow = NonNullable<DeployBody['shadows']>[number];

const sameVersion = (left: VersionReference, right: VersionReference) => left.model === right.model && left.version === right.version;

/**
 * The routes of `modelgate deploy`: without a weight (or 100) the version takes all traffic;
 * with one, it is a canary next to the endpoint's primary (the version the active revision sends
 * the most traffic to, as the API's canary rule reads it), which keeps the rest. Other canaries
 * are not kept: the command states the whole split.
 */
export function plannedRoutes(endpoint: string, active: Revision | null, target: VersionReference, weight: number = 100): DeployRoute[] {
  if (weight === 100) return [{ model: target.model, version: target.version, weight: 100 }];
  const primary = primaryOf(active?.routes ?? []);
  if (!primary) {
    throw new CliError(
      `endpoint "${endpoint}" routes no traffic yet, so there is no primary to keep the other ${100 - weight} %: deploy ${versionLabel(target)} without --weight first`,
    );
  }
  if (sameVersion(primary, target)) {
    throw new CliError(
      `${versionLabel(target)} is already the primary of "${endpoint}" (${primary.weight} %): --weight gives a canary its share next to the primary; to send all traffic to it, leave --weight out`,
    );
  }
  return [
    { model: primary.model, version: primary.version, weight: 100 - weight },
    { model: target.model, version: target.version, weight },
  ];
}

/**
 * The shadows of `modelgate deploy`: those given with --shadow, none with --no-shadow, otherwise
 * the active revision's, except any version now routed (a version is routed or shadowed, not both).
 */
export function plannedShadows(active: Revision | null, requested: ShadowTarget[] | false | undefined, routes: readonly DeployRoute[]): DeployShadow[] {
  if (requested === false) return [];
  const shadows = requested ?? (active?.shadows ?? []).map(({ model, version, percent }) => ({ model, version, percent }));
  return shadows.filter((shadow) => requested !== undefined || !routes.some((route) => sameVersion(route, shadow)));
}
