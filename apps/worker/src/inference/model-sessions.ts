import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { EndpointConfig } from '@modelgate/contracts';
import { OnnxModel, SessionCache, type LoadedModel, type SessionCacheEvent, type SessionUseInfo } from '@modelgate/runtime';
import { WorkerInfrastructure } from '../worker-infrastructure.js';

/**
 * onnxruntime sessions of the versions this worker serves, loaded from verified artifacts, under
 * MODELGATE_SESSION_MEMORY_MB. Versions of endpoints with minReplicas ≥ 1 are pinned (loaded when
 * deployed, never unloaded); with minReplicas 0 they unload after idleTimeoutSec.
 */
@Injectable()
export class ModelSessions implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelSessions.name);
  private readonly cache: SessionCache<OnnxModel>;

  constructor(private readonly infrastructure: WorkerInfrastructure) {
    this.cache = new SessionCache({
      load: (versionId) => this.load(versionId),
      memoryBudgetBytes: infrastructure.config.MODELGATE_SESSION_MEMORY_MB * 1024 * 1024,
      onEvent: (event) => this.log(event),
    });
  }

  /** Runs `fn` with the version's model held, so no eviction or idle unload can release it meanwhile. */
  use<T>(versionId: string, fn: (model: OnnxModel, info: SessionUseInfo) => Promise<T>): Promise<T> {
    return this.cache.use(versionId, fn);
  }

  /** Applies the scaling of the endpoints that route to a version (the most demanding one wins). */
  configure(versionId: string, scaling: EndpointConfig['scaling'][]): void {
    const pinned = scaling.some((each) => each.minReplicas >= 1);
    const idleTimeoutMs = pinned ? null : Math.max(...scaling.map((each) => each.idleTimeoutSec)) * 1000;
    this.cache.configure(versionId, { pinned, idleTimeoutMs });
    if (pinned) {
      this.cache.preload(versionId).catch((error: unknown) => this.logger.error(`version ${versionId} failed to load: ${(error as Error).message}`));
    }
  }

  has(versionId: string): boolean {
    return this.cache.has(versionId);
  }

  unload(versionId: string): Promise<void> {
    return this.cache.unload(versionId);
  }

  private async load(versionId: string): Promise<LoadedModel<OnnxModel>> {
    const version = await this.infrastructure.db.modelVersion.findUnique({ where: { id: versionId }, select: { sha256: true } });
    if (!version) throw new Error(`model version ${versionId} does not exist`);
    const bytes = await this.infrastructure.artifacts.readVerified(version.sha256);
    const { config } = this.infrastructure;
    const model = await OnnxModel.load(bytes, {
      intraOpNumThreads: config.MODELGATE_ORT_INTRA_OP_THREADS,
      interOpNumThreads: config.MODELGATE_ORT_INTER_OP_THREADS,
    });
    return { model, sizeBytes: OnnxModel.estimateMemoryBytes(bytes.byteLength) };
  }

  private log(event: SessionCacheEvent) {
    if (event.type === 'loaded') this.logger.log(`loaded ${event.versionId} in ${event.loadMs.toFixed(0)} ms`);
    else if (event.type === 'unloaded') this.logger.log(`unloaded ${event.versionId} (${event.reason})`);
    else if (event.type === 'over-budget') this.logger.warn(`loaded ${event.versionId} beyond MODELGATE_SESSION_MEMORY_MB: nothing else could be unloaded`);
  }

  async onApplicationShutdown() {
    await this.cache.clear();
  }
}
