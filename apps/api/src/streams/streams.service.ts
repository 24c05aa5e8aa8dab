import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AuditAction,
  Channel,
  CreateStreamBody,
  isUuid,
  ProblemCode,
  STREAM_THROUGHPUT_WINDOW_SECONDS,
  streamGroupName,
  streamRedisKey,
  streamThroughputKey,
  type StreamBinding,
  type StreamBindingEvent,
  type StreamBindingList,
  type StreamDeleted,
  type StreamPrediction,
  type StreamStatus,
} from '@modelgate/contracts';
import { Prisma, type Db, type StreamBinding as StreamBindingRow } from '@modelgate/db';
import { AuditService } from '../audit/audit.service.js';
import { principalLabel, type RequestActor } from '../auth/principal.js';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { DB } from '../infrastructure/database.module.js';
import { RedisBus } from '../infrastructure/redis.module.js';

type BindingRow = StreamBindingRow & { endpoint: { name: string } };

/** What XINFO GROUPS says about a binding's group. */
interface GroupInfo {
  lag: number | null;
  pending: number;
  consumers: number;
}


/**
 * Stream bindings: create one (a consumer group on the source stream, starting where asked),
 * pause, resume and delete it, and read it with what Redis says about its group (lag, pending,
 * consumers) and the workers' throughput counters. Workers hear of every change on the `streams`
 * channel and start or stop their consumers at once; the table is the truth they re-read.
 */
@Injectable()
export class StreamsService {
  private readonly logger = new Logger(StreamsService.name);

  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly bus: RedisBus,
    private readonly audit: AuditService,
  ) {}

  async create(body: unknown, actor: RequestActor): Promise<StreamBinding> {
    const request = parseRequest(CreateStreamBody, body);
    const endpoint = await this.db.endpoint.findUnique({ where: { name: request.endpoint } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${request.endpoint}" does not exist: create it first (POST /v1/endpoints), or bind the stream to another one`);
    const id = randomUUID();
    const group = streamGroupName(id);
    const sourceKey = this.redisKey(request.source);
    try {
      await this.db.$transaction(async (tx) => {
        await tx.streamBinding.create({
          data: { id, name: request.name, endpointId: endpoint.id, source: request.source, sink: request.sink, group, createdBy: actor.principal ? principalLabel(actor.principal) : null },
        });
        await this.audit.record(
          actor,
          { action: AuditAction.streamCreate, target: { type: 'stream', id, label: request.name }, after: { endpoint: request.endpoint, source: request.source, sink: request.sink, from: request.from, group } },
          tx,
        );
        // Last, inside the transaction: if Redis refuses, no binding is left without its group.
        await this.redisCommand(`create the consumer group on ${sourceKey}`, () =>
          this.bus.connection.xgroup('CREATE', sourceKey, group, request.from === 'now' ? '$' : '0', 'MKSTREAM'),
        );
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw ProblemException.conflict(`a stream binding named "${request.name}" already exists: pick another name, or delete it first (DELETE /v1/streams/${request.name})`);
      }
      throw error;
    }
    await this.announce({ bindingId: id, change: 'created' });
    return this.get(id);
  }

  async list(): Promise<StreamBindingList> {
    const rows = await this.db.streamBinding.findMany({ orderBy: { name: 'asc' }, include: { endpoint: { select: { name: true } } } });
    return { items: await this.views(rows) };
  }

  async get(idOrName: string): Promise<StreamBinding> {
    const [view] = await this.views([await this.find(idOrName)]);
    return view!;
  }

  pause(idOrName: string, actor: RequestActor): Promise<StreamBinding> {
    return this.changeStatus(idOrName, 'paused', actor);
  }

  resume(idOrName: string, actor: RequestActor): Promise<StreamBinding> {
    return this.changeStatus(idOrName, 'active', actor);
  }

  /**
   * Deletes the binding and its stored predictions, then destroys its consumer group (with the
   * group's pending entries). The source and sink streams stay, messages and all: they belong to
   * the applications that write and read them, and other consumers may read them too.
   */
  async delete(idOrName: string, actor: RequestActor): Promise<StreamDeleted> {
    const row = await this.find(idOrName);
    const [before] = await this.views([row]);
    await this.db.$transaction(async (tx) => {
      await tx.streamBinding.delete({ where: { id: row.id } });
      await this.audit.record(actor, { action: AuditAction.streamDelete, target: { type: 'stream', id: row.id, label: row.name }, before }, tx);
    });
    // After the commit: a worker that then finds the group gone sees the binding gone too, and does not create it again.
    const sourceKey = this.redisKey(row.source);
    let groupDestroyed = true;
    try {
      await this.bus.connection.xgroup('DESTROY', sourceKey, row.group);
    } catch (error) {
      groupDestroyed = false;
      this.logger.warn(`stream binding "${row.name}" deleted, but its consumer group ${row.group} on ${sourceKey} was not destroyed: ${(error as Error).message}`);
    }
    await this.announce({ bindingId: row.id, change: 'deleted' });
    const sinkKey = this.redisKey(row.sink);
    return {
      id: row.id,
      name: row.name,
      group: row.group,
      groupDestroyed,
      sourceKey,
      sinkKey,
      detail:
        (groupDestroyed
          ? `consumer group ${row.group} destroyed (messages it had not acknowledged are no longer tracked)`
          : `consumer group ${row.group} could not be destroyed (Redis did not answer); nothing reads it any more: remove it with XGROUP DESTROY ${sourceKey} ${row.group}`) +
        `; stored predictions deleted; streams ${sourceKey} and ${sinkKey} kept with their messages (delete them with DEL when no application needs them)`,
    };
  }

  async prediction(idOrName: string, key: string): Promise<StreamPrediction> {
    const binding = await this.find(idOrName);
    const row = await this.db.streamPrediction.findUnique({ where: { bindingId_key: { bindingId: binding.id, key } } });
    if (!row) throw ProblemException.notFound(`stream binding "${binding.name}" has no prediction for key "${key}" yet`);
    const version = row.versionId
      ? await this.db.modelVersion.findUnique({ where: { id: row.versionId }, select: { version: true, model: { select: { name: true } } } })
      : null;
    return {
      key: row.key,
      messageId: row.messageId,
      status: row.error === null ? 'scored' : 'failed',
      prediction: (row.prediction as Record<string, unknown> | null) ?? null,
      model: version?.model.name ?? null,
      version: version?.version ?? null,
      error: row.error,
      scoredAt: row.scoredAt.toISOString(),
    };
  }

  private async changeStatus(idOrName: string, status: StreamStatus, actor: RequestActor): Promise<StreamBinding> {
    const row = await this.find(idOrName);
    // Asking again for the state it is in changes nothing and records nothing.
    if (row.status === status) return this.get(row.id);
    await this.db.$transaction(async (tx) => {
      await tx.streamBinding.update({ where: { id: row.id }, data: { status } });
      await this.audit.record(
        actor,
        { action: status === 'paused' ? AuditAction.streamPause : AuditAction.streamResume, target: { type: 'stream', id: row.id, label: row.name }, before: { status: row.status }, after: { status } },
        tx,
      );
    });
    await this.announce({ bindingId: row.id, change: status === 'paused' ? 'paused' : 'resumed' });
    return this.get(row.id);
  }

  private async find(idOrName: string): Promise<BindingRow> {
    const row = await this.db.streamBinding.findUnique({
      where: isUuid(idOrName) ? { id: idOrName } : { name: idOrName },
      include: { endpoint: { select: { name: true } } },
    });
    if (!row) throw ProblemException.notFound(`stream binding "${idOrName}" does not exist (GET /v1/streams lists them)`);
    return row;
  }

  /** Rows as views, with their groups read from Redis and their throughput summed, in one round trip. */
  private async views(rows: BindingRow[]): Promise<StreamBinding[]> {
    if (rows.length === 0) return [];
    const nowSecond = Math.floor(Date.now() / 1000);
    const pipeline = this.bus.connection.pipeline();
    for (const row of rows) {
      pipeline.call('XINFO', 'GROUPS', this.redisKey(row.source));
      // The last 60 seconds, this one included: a burst shows at once rather than a second later.
      const seconds = Array.from({ length: STREAM_THROUGHPUT_WINDOW_SECONDS }, (_, index) => streamThroughputKey(this.bus.prefix, row.id, nowSecond - index));
      pipeline.mget(...seconds);
    }
    const replies = await this.redisCommand('read the stream groups', async () => (await pipeline.exec()) ?? []);
    return rows.map((row, index) => {
      const [groupsError, groups] = replies[index * 2] ?? [null, null];
      const [, counts] = replies[index * 2 + 1] ?? [null, []];
      const group = groupsError ? null : groupInfo(groups as unknown[][], row.group);
      const handled = ((counts as (string | null)[] | null) ?? []).reduce((sum, count) => sum + Number(count ?? 0), 0);
      return {
        id: row.id,
        name: row.name,
        endpoint: row.endpoint.name,
        source: row.source,
        sink: row.sink,
        sourceKey: this.redisKey(row.source),
        sinkKey: this.redisKey(row.sink),
        group: row.group,
        status: row.status,
        lag: group?.lag ?? null,
        pending: group?.pending ?? null,
        consumers: group?.consumers ?? null,
        throughput: Math.round((handled / STREAM_THROUGHPUT_WINDOW_SECONDS) * 100) / 100,
        scored: Number(row.scored),
        failed: Number(row.failed),
        lastError: row.lastError,
        lastErrorAt: row.lastErrorAt?.toISOString() ?? null,
        createdBy: row.createdBy,
        createdAt: row.createdAt.toISOString(),
      };
    });
  }

  private redisKey(name: string): string {
    return streamRedisKey(this.bus.prefix, name);
  }

  private async announce(event: StreamBindingEvent) {
    await this.bus.publish(Channel.streams, event).catch((error: unknown) => {
      // Workers re-read the table every MODELGATE_WORKER_RESYNC_MS: a lost announcement only delays the change.
      this.logger.warn(`could not announce stream binding change ${event.change} of ${event.bindingId}: ${(error as Error).message}`);
    });
  }

  /** Redis refusing or not answering is a 503 naming what could not be done, not a 500. */
  private async redisCommand<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new ProblemException(503, ProblemCode.unavailable, `could not ${what}: Redis answered "${(error as Error).message}"`, undefined, { 'retry-after': '1' });
    }
  }
}

function groupInfo(groups: unknown[][] | null, name: string): GroupInfo | null {
  for (const flat of groups ?? []) {
    const fields = new Map<string, unknown>();
    for (let index = 0; index + 1 < flat.length; index += 2) fields.set(String(flat[index]), flat[index + 1]);
    if (fields.get('name') !== name) continue;
    const lag = fields.get('lag');
    return { lag: lag === null || lag === undefined ? null : Number(lag), pending: Number(fields.get('pending') ?? 0), consumers: Number(fields.get('consumers') ?? 0) };
  }
  return null;
}
