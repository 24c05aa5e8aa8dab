import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Channel, EndpointConfig } from '@modelgate/contracts';
import type { Db } from '@modelgate/db';
import { OnnxModel, SessionCache, type SessionCacheEvent, type SessionUseInfo } from '@modelgate/runtime';
import type { ArtifactStore } from '@modelgate/runtime/artifacts';
import { ARTIFACT_STORE } from '../artifacts/artifacts.module.js';
import { API_CONFIG, type ApiConfig } from '../config/api-config.js';
import type { StoredRoute, StoredShadow } from '../endpoints/endpoint-view.js';
import { DB } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';
import { ServingMetrics } from '../metrics/serving-metrics.js';

/**
 * Models loaded inside this API process, for endpoints with the `gateway` placement (no queue, no
 * worker hop). onnxruntime-node runs sessions on its own threads, so the event loop keeps serving
 * while a model computes. Versions of endpoints with minReplicas ≥ 1 are loaded at start and on
 * every deployment, and stay (pinned); with minReplicas 0 they unload after idleTimeoutSec and the
 * next request pays a cold start.
 */
@Injectable()
export class GatewaySessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewaySessions.name);
  private readonly cache: SessionCache<OnnxModel>;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly bus: RedisBus,
    metrics: ServingMetrics,
  ) {
    this.cache = new SessionCache({
      load: (versionId) => this.load(versionId),
      memoryBudgetBytes: config.MODELGATE_SESSION_MEMORY_MB * 1024 * 1024,
      onEvent: (event) => this.log(event),
    });
    metrics.gauge('modelgate_sessions_loaded', 'Model versions loaded in this API process for gateway endpoints', [], () => [{ labels: {}, value: this.cache.stats().versions.length }]);
    metrics.gauge('modelgate_session_memory_bytes', 'Estimated memory held by the models loaded in this API process', [], () => [{ labels: {}, value: this.cache.stats().heldBytes }]);
  }

  async onApplicationBootstrap() {
    await this.bus.subscribe(Channel.deployments, () => void this.applyPolicies());
    await this.applyPolicies();
  }

  /** Runs `fn` with the version's model held, so no eviction or idle unload can release it meanwhile. */
  use<T>(versionId: string, fn: (model: OnnxModel, info: SessionUseInfo) => Promise<T>): Promise<T> {
    return this.cache.use(versionId, fn);
  }


  stats() {
    return this.cache.stats();
  }

  /**
   * Applies the scaling of the gateway endpoints that route to each version (the most demanding
   * one wins: any minReplicas ≥ 1 pins it) and preloads pinned ones. Runs at start and on every
   * deployment or settings change; failures are logged, and requests retry the load.
   */
  private async applyPolicies() {
    try {
      const endpoints = await this.db.endpoint.findMany({ where: { activeRevisionId: { not: null } }, select: { config: true, activeRevision: { select: { routes: true, shadows: true } } } });
      const scalingByVersion = new Map<string, EndpointConfig['scaling'][]>();
      for (const endpoint of endpoints) {
        const config = EndpointConfig.parse(endpoint.config);
        if (config.placement !== 'gateway') continue;
        // Shadows run here too: their copies must not wait for a load the primary never pays.
        const deployed = [...((endpoint.activeRevision?.routes ?? []) as unknown as StoredRoute[]), ...((endpoint.activeRevision?.shadows ?? []) as unknown as StoredShadow[])];
        for (const route of deployed) {
          scalingByVersion.set(route.versionId, [...(scalingByVersion.get(route.versionId) ?? []), config.scaling]);
        }
      }
      for (const [versionId, scaling] of scalingByVersion) {
        const pinned = scaling.some((each) => each.minReplicas >= 1);
        this.cache.configure(versionId, { pinned, idleTimeoutMs: pinned ? null : Math.max(...scaling.map((each) => each.idleTimeoutSec)) * 1000 });
        if (pinned) this.cache.preload(versionId).catch((error: unknown) => this.logger.error(`could not preload ${versionId}: ${(error as Error).message}`));
      }
    } catch (error) {
      this.logger.warn(`could not read gateway endpoints: ${(error as Error).message}`);
    }
  }

  private async load(versionId: string) {
    const version = await this.db.modelVersion.findUnique({ where: { id: versionId }, select: { sha256: true, sizeBytes: true } });
    if (!version) throw new Error(`model version ${versionId} does not exist`);
    const model = await OnnxModel.load(await this.artifacts.readVerified(version.sha256), {
      intraOpNumThreads: this.config.MODELGATE_ORT_INTRA_OP_THREADS,
      interOpNumThreads: this.config.MODELGATE_ORT_INTER_OP_THREADS,
    });
    return { model, sizeBytes: OnnxModel.estimateMemoryBytes(Number(version.sizeBytes)) };
  }

  private log(event: SessionCacheEvent) {
    if (event.type === 'loaded') this.logger.log(`loaded ${event.versionId} for the gateway in ${event.loadMs.toFixed(0)} ms`);
    else if (event.type === 'unloaded') this.logger.log(`unloaded ${event.versionId} (${event.reason})`);
    else if (event.type === 'over-budget') this.logger.warn(`loaded ${event.versionId} beyond MODELGATE_SESSION_MEMORY_MB: nothing else could be unloaded`);
  }

  async onApplicationShutdown() {
    await this.cache.clear();
  }
}
