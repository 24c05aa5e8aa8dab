import { Inject, Injectable } from '@nestjs/common';
import { chooseRoute, PushRecordsBody, RecordListQuery, stickyFraction, type InboxRecord, type Problem, type PushRecordsResult, type RecordCounts, type RecordList, type RecordStatus } from '@modelgate/contracts';
import type { Db, InboxRecord as InboxRecordRow } from '@modelgate/db';
import { ProblemException } from '../common/problem.exception.js';
import { parseRequest } from '../common/zod-validation.js';
import { EndpointRoutingService, type RoutedEndpoint } from '../endpoints/endpoint-routing.service.js';
import { EndpointsService } from '../endpoints/endpoints.service.js';
import { DB } from '../infrastructure/database.module.js';

/** A 400 lists at most this many bad records: enough to see the pattern, not 10,000 lines. */
const ERRORS_SHOWN = 10;

/**
 * The records inbox: pushes are one multi-row upsert, idempotent by key (the same inputs again
 * change nothing; new inputs make the record pending again); reads give each record's latest
 * prediction and the version that made it. Scoring is the worker's (RecordsScoringProcessor).
 */
@Injectable()
export class RecordsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly endpoints: EndpointsService,
    private readonly routing: EndpointRoutingService,
  ) {}

  async push(name: string, body: unknown): Promise<PushRecordsResult> {
    const { records } = parseRequest(PushRecordsBody, body);
    const endpoint = await this.findEndpoint(name);
    refuseDuplicateKeys(records);
    refuseNulCharacters(records);
    if (endpoint.activeRevisionId) refuseUnknownInputNames(await this.routing.resolve(name), records);

    // The database hashes each record's inputs (jsonb's text form is canonical: key order and
    // spacing normalised), so "same inputs" is decided in the one statement that writes. A row
    // whose hash is unchanged is not touched at all: no new row, no status change, no scoredAt change.
    // Rows are written in key order so two overlapping pushes lock them in the same order (no deadlock).
    const [counts] = await this.db.$queryRaw<{ created: bigint; updated: bigint }[]>`
      WITH incoming AS (
        SELECT r.key, r.inputs, encode(sha256(convert_to(r.inputs::text, 'UTF8')), 'hex') AS inputs_hash
        FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(key text, inputs jsonb)
      ), written AS (
        INSERT INTO records (endpoint_id, key, inputs, inputs_hash, status, received_at)
        SELECT ${endpoint.id}::uuid, key, inputs, inputs_hash, 'pending', now() FROM incoming ORDER BY key
        ON CONFLICT (endpoint_id, key) DO UPDATE
          SET inputs = EXCLUDED.inputs, inputs_hash = EXCLUDED.inputs_hash, status = 'pending', prediction = NULL,
              version_id = NULL, error = NULL, scored_at = NULL, received_at = EXCLUDED.received_at
          WHERE records.inputs_hash <> EXCLUDED.inputs_hash
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`;
    const created = Number(counts!.created);
    const updated = Number(counts!.updated);
    return { created, updated, unchanged: records.length - created - updated };
  }

  async get(name: string, key: string): Promise<InboxRecord> {
    const endpoint = await this.findEndpoint(name);
    const row = await this.db.inboxRecord.findUnique({ where: { endpointId_key: { endpointId: endpoint.id, key } } });
    if (!row) {
      throw ProblemException.notFound(`endpoint "${name}" has no record with key "${key}": push it with POST /v1/endpoints/${name}/records`);
    }
    const [view] = await this.views([row]);
    return view!;
  }

  /** A page in key order (optionally of one status), with the counts per status of all the endpoint's records. */
  async list(name: string, query: unknown): Promise<RecordList> {
    const filter = parseRequest(RecordListQuery, query, 'query');
    const endpoint = await this.findEndpoint(name);
    const rows = await this.db.inboxRecord.findMany({
      where: { endpointId: endpoint.id, ...(filter.status ? { status: filter.status } : {}), ...(filter.cursor !== undefined ? { key: { gt: filter.cursor } } : {}) },
      orderBy: { key: 'asc' },
      take: filter.limit + 1,
    });
    const page = rows.slice(0, filter.limit);
    return {
      items: await this.views(page),
      nextCursor: rows.length > filter.limit ? page.at(-1)!.key : null,
      counts: await this.counts(endpoint.id),
    };
  }

  async counts(endpointId: string): Promise<RecordCounts> {
    const groups = await this.db.inboxRecord.groupBy({ by: ['status'], where: { endpointId }, _count: { _all: true } });
    const counts: RecordCounts = { pending: 0, scored: 0, failed: 0 };
    for (const group of groups) counts[group.status as RecordStatus] = group._count._all;
    return counts;
  }

  async findEndpoint(name: string) {
    const endpoint = await this.db.endpoint.findUnique({ where: { name }, select: { id: true, name: true, activeRevisionId: true } });
    if (!endpoint) throw ProblemException.notFound(`endpoint "${name}" does not exist`);
    return endpoint;
  }

  private async views(rows: InboxRecordRow[]): Promise<InboxRecord[]> {
    const labels = await this.endpoints.labelsFor([...new Set(rows.flatMap((row) => (row.versionId ? [row.versionId] : [])))]);
    return rows.map((row) => {
      const label = row.versionId ? labels.get(row.versionId) : undefined;
      return {
        key: row.key,
        status: row.status,
        inputs: row.inputs as Record<string, unknown>,
        prediction: (row.prediction as Record<string, unknown> | null) ?? null,
        model: label?.model ?? null,
        version: label?.version ?? null,
        error: row.error,
        receivedAt: row.receivedAt.toISOString(),
        scoredAt: row.scoredAt?.toISOString() ?? null,
      };
    });
  }
}

/** One key twice in a push would be two answers to "what are this record's inputs": refuse it. */
function refuseDuplicateKeys(records: PushRecordsBody['records']) {
  const first = new Map<string, number>();
  const errors: Problem['errors'] = [];
  records.forEach((record, index) => {
    const seen = first.get(record.key);
    if (seen === undefined) first.set(record.key, index);
    else errors.push({ path: `body.records.${index}.key`, message: `key "${record.key}" is also records[${seen}]: send each key once per request` });
  });
  if (errors.length > 0) throw badRecords(errors, 'repeat a key');
}

/** JSON's escape for U+0000, not preceded by an escaping backslash (a literal "\\u0000" text is fine). */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/** PostgreSQL's jsonb and text cannot hold U+0000: say which record has one rather than fail the insert. */
function refuseNulCharacters(records: PushRecordsBody['records']) {
  if (!ESCAPED_NUL.test(JSON.stringify(records))) return;
  const errors: Problem['errors'] = [];
  records.forEach((record, index) => {
    if (ESCAPED_NUL.test(JSON.stringify(record))) {
      errors.push({ path: `body.records.${index}`, message: `record ${JSON.stringify(record.key)} contains the character U+0000, which cannot be stored: remove it` });
    }
  });
  throw badRecords(errors, 'contain U+0000');
}

/**
 * Input names checked up front against the version each record's key routes to now (the same
 * sticky choice the scoring run makes), so a misnamed input is a 400 at once rather than thousands
 * of failed records later. Values (dtype, shape) are checked when scored: a bad one fails that
 * record alone, with the reason on the record.
 */
function refuseUnknownInputNames(routed: RoutedEndpoint, records: PushRecordsBody['records']) {
  const errors: Problem['errors'] = [];
  const single = routed.routes.length === 1 ? routed.routes[0] : undefined;
  records.forEach((record, index) => {
    const version = single ?? chooseFor(routed, record.key);
    const expected = version.signature.inputs.map((input) => input.name);
    const given = Object.keys(record.inputs);
    const unknown = given.find((name) => !expected.includes(name));
    const missing = expected.find((name) => !given.includes(name));
    const problem = unknown !== undefined ? `unknown input "${unknown}"` : missing !== undefined ? `missing input "${missing}"` : undefined;
    if (problem) {
      errors.push({
        path: `body.records.${index}.inputs${unknown !== undefined ? `.${unknown}` : ''}`,
        message: `${problem} in record "${record.key}" (${version.model}@v${version.version} expects: ${expected.join(', ')})`,
      });
    }
  });
  if (errors.length > 0) throw badRecords(errors, 'name inputs the endpoint does not expect');
}

/** The same choice the worker's scorer makes for the record: sticky by its key. */
const chooseFor = (routed: RoutedEndpoint, key: string) => chooseRoute(routed.routes, stickyFraction(key));

function badRecords(errors: NonNullable<Problem['errors']>, what: string): ProblemException {
  const shown = errors.slice(0, ERRORS_SHOWN);
  const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : '';
  return ProblemException.badInput(
    `${errors.length} record(s) ${what}; nothing was stored: ${shown.map((error) => `${error.path}: ${error.message}`).join('; ')}${more}`,
    shown,
  );
}
