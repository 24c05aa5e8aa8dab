import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Channel, chooseRoute, DeploymentEvent, EndpointConfig, ProblemCode, stickyFraction, type Signature } from '@modelgate/contracts';
import type { Db } from '@modelgate/db';
import { ProblemException } from '../common/problem.exception.js';
import { DB } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';
import type { PredictionSeries } from '../metrics/latency-recorder.js';
import type { StoredRoute, StoredShadow } from './endpoint-view.js';

export interface RoutedVersion {
  versionId: string;
  model: string;
  version: number;
  /** Share of live traffic (routes), or percent of requests copied to it (shadows). */
  weight: number;
  signature: Signature;
  /** What its predictions are counted under; built once per revision, not per request. */
  series: PredictionSeries;
}

export interface RoutedEndpoint {
  id: string;
  name: string;
  config: EndpointConfig;
  revision: number;
  routes: RoutedVersion[];
  /** Versions that get a copy of `weight` percent of requests after the primary answered. */
  shadows: RoutedVersion[];
}

/** A missed pub/sub message (e.g. during a Redis reconnect) is corrected after at most this long. */
const RESYNC_AFTER_MS = 5_000;

/**
 * Each endpoint's active revision, cached in this API process so a prediction costs no database
 * round trip. Changes arrive through Redis pub/sub; entries also expire as a safety net.
 */
@Injectable()
export class EndpointRoutingService implements OnModuleInit {
  private readonly logger = new Logger(EndpointRoutingService.name);
  private readonly cache = new Map<string, { routed: Promise<RoutedEndpoint>; loadedAt: number }>();

  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly bus: RedisBus,
  ) {}

  async onModuleInit() {
    await this.bus.subscribe(Channel.deployments, (message) => {
      const event = DeploymentEvent.safeParse(JSON.parse(message));
      if (event.success) this.cache.delete(event.data.endpoint);
      else this.logger.warn(`ignored a malformed deployment event: ${message.slice(0, 200)}`);
    });
  }

  resolve(name: string): Promise<RoutedEndpoint> {
    const cached = this.cache.get(name);
    if (cached && Date.now() - cached.loadedAt < RESYNC_AFTER_MS) return cached.routed;
    const routed = this.load(name);
    this.cache.set(name, { routed, loadedAt: Date.now() });
    routed.catch(() => this.cache.delete(name));
    return routed;
  }

  /**
   * Weighted choice among the routes: random, or by the hash of `routingKey` (X-Routing-Key), so a
   * key keeps its version while the weights stay the same. `pinnedVersion` (X-Modelgate-Version)
   * selects a routed version explicitly, e.g. to test a canary.
   */
  choose(routed: RoutedEndpoint, pinnedVersion?: string, routingKey?: string): RoutedVersion {
    if (pinnedVersion !== undefined) {
      const pinned = findRoutedVersion(routed, pinnedVersion);
      if (!pinned) {
        const routedVersions = routed.routes.map((route) => `${route.model}@v${route.version}`).join(', ');
        throw ProblemException.badInput(
          `X-Modelgate-Version ${pinnedVersion} is not routed by endpoint "${routed.name}" (revision ${routed.revision} routes to ${routedVersions})`,
        );
      }
      return pinned;
    }
    return chooseRoute(routed.routes, routingKey === undefined ? Math.random() : stickyFraction(routingKey));
  }

  private async load(name: string): Promise<RoutedEndpoint> {
    const endpoint = await this.db.endpoint.findUnique({ where: { name }, include: { activeRevision: true } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    const revision = endpoint.activeRevision;
    if (!revision) {
      throw new ProblemException(
        409,
        ProblemCode.notDeployed,
        `endpoint "${name}" has no deployed version yet: promote one with POST /v1/endpoints/${name}/promote`,
      );
    }
    const stored = (revision.routes as unknown as StoredRoute[]).filter((route) => route.weight > 0);
    const shadows = (revision.shadows as unknown as StoredShadow[]).filter((shadow) => shadow.percent > 0);
    const versions = await this.db.modelVersion.findMany({
      where: { id: { in: [...stored, ...shadows].map((route) => route.versionId) } },
      include: { model: { select: { name: true } } },
    });
    const byId = new Map(versions.map((version) => [version.id, version]));
    const config = EndpointConfig.parse(endpoint.config);
    const routed = (versionId: string, weight: number, traffic: PredictionSeries['traffic']): RoutedVersion => {
      const version = byId.get(versionId);
      if (!version) throw new Error(`revision ${revision.number} of endpoint "${name}" refers to missing version ${versionId}`);
      const labels = { versionId: version.id, model: version.model.name, version: version.version };
      return {
        ...labels,
        weight,
        signature: version.signature as unknown as Signature,
        series: { ...labels, endpointId: endpoint.id, endpoint: endpoint.name, placement: config.placement, traffic },
      };
    };
    return {
      id: endpoint.id,
      name: endpoint.name,
      config,
      revision: revision.number,
      routes: stored.map((route) => routed(route.versionId, route.weight, 'live')),
      shadows: shadows.map((shadow) => routed(shadow.versionId, shadow.percent, 'shadow')),
    };
  }
}

/** The route of `routed` serving version number `version` (as a string: from a header or a URL). */
export function findRoutedVersion(routed: RoutedEndpoint, version: string): RoutedVersion | undefined {
  return routed.routes.find((route) => String(route.version) === version.trim());
}

