import type { Db } from '@modelgate/db';
import { BindingGoneError, type MessageOutcome, type PredictionStore } from './stream-ports.js';

/** Message ids order as numbers part by part (`<ms>-<seq>`): text order would put "9-0" after "10-0". */
export function compareMessageIds(a: string, b: string): number {
  const [left, right] = [a.split('-').map(BigInt), b.split('-').map(BigInt)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0n) - (right[index] ?? 0n);
    if (difference !== 0n) return difference < 0n ? -1 : 1;
  }
  return 0;
}

/**
 * A binding's outcomes in PostgreSQL, one transaction per batch:
 * - one `stream_predictions` row per key, holding the newest message's outcome. The upsert only
 *   replaces a row with a newer message, so a batch scored again after a crash (or an old message
 *   claimed late) never overwrites a newer prediction, and a message stored once is stored once;
 * - the binding's `scored`/`failed` counters and its last error. A message whose own id is
 *   already the stored one for its key was counted when it was stored, so re-scoring it after a
 *   crash between the write and the acknowledgement does not count it again.
 */
export class PostgresPredictionStore implements PredictionStore {
  constructor(
    private readonly db: Db,
    private readonly bindingId: string,
  ) {}

  async record(outcomes: MessageOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const bindingId = this.bindingId;
    const newest = new Map<string, MessageOutcome>();
    for (const outcome of outcomes) {
      if (outcome.key === undefined) continue;
      const held = newest.get(outcome.key);
      if (!held || compareMessageIds(outcome.messageId, held.messageId) > 0) newest.set(outcome.key, outcome);
    }
    // Sorted by key: concurrent batches lock rows in the same order (no deadlock).
    const rows = [...newest.values()].sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0));

    await this.db.$transaction(async (tx) => {
      // KEY SHARE keeps the binding from being deleted until this commits, without queueing behind other batches' counter updates.
      const [binding] = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM stream_bindings WHERE id = $1::uuid FOR KEY SHARE`, bindingId);
      if (!binding) throw new BindingGoneError(bindingId);

      const stored = new Map<string, string>();
      if (rows.length) {
        const previous = await tx.$queryRawUnsafe<{ key: string; message_id: string }[]>(
          `SELECT key, message_id FROM stream_predictions WHERE binding_id = $1::uuid AND key = ANY($2::text[]) ORDER BY key FOR UPDATE`,
          bindingId,
          rows.map((row) => row.key!),
        );
        for (const row of previous) stored.set(row.key, row.message_id);
        await tx.$executeRawUnsafe(
          `INSERT INTO stream_predictions (binding_id, key, message_id, prediction, version_id, error, scored_at)
           SELECT $1::uuid, row.key, row.message_id, row.prediction, row.version_id, row.error, now()
           FROM jsonb_to_recordset($2::jsonb) AS row(key text, message_id text, prediction jsonb, version_id uuid, error text)
           ON CONFLICT (binding_id, key) DO UPDATE SET
             message_id = EXCLUDED.message_id, prediction = EXCLUDED.prediction, version_id = EXCLUDED.version_id,
             error = EXCLUDED.error, scored_at = EXCLUDED.scored_at
           WHERE string_to_array(EXCLUDED.message_id, '-')::numeric[] > string_to_array(stream_predictions.message_id, '-')::numeric[]`,
          bindingId,
          JSON.stringify(
            rows.map((row) => ({
              key: row.key,
              message_id: row.messageId,
              prediction: row.ok ? row.outputs : null,
              version_id: row.versionId ?? null,
              error: row.ok ? null : row.error,
            })),
          ),
        );
      }

      const fresh = outcomes.filter((outcome) => outcome.key === undefined || stored.get(outcome.key) !== outcome.messageId);
      const scored = fresh.filter((outcome) => outcome.ok).length;
      const failures = fresh.filter((outcome) => !outcome.ok);
      const lastError = failures.length ? (failures.at(-1) as { error: string }).error : null;
      await tx.$executeRawUnsafe(
        `UPDATE stream_bindings SET scored = scored + $2, failed = failed + $3,
           last_error = COALESCE($4::text, last_error),
           last_error_at = CASE WHEN $4::text IS NULL THEN last_error_at ELSE now() END
         WHERE id = $1::uuid`,
        bindingId,
        scored,
        failures.length,
        lastError,
      );
    });
  }
}
