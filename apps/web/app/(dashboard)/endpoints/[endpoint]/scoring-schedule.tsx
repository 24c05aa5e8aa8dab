'use client';

import { Action, type Problem, type Schedule, type ScheduleBody, type ScheduleRun, type ScoreRecordsAccepted } from '@modelgate/contracts';
import { type FormEvent, useId, useState } from 'react';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { Badge, type BadgeTone } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { DateTime } from '@/components/date-time';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { NotAllowedButton, NotAllowedReason } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan } from '@/components/session-provider';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { useHydrated } from '@/components/use-hydrated';
import { usePolledApi } from '@/components/use-polled-api';
import { callApi, endpointPath } from '@/lib/browser-api';
import { formatElapsed } from '@/lib/format';
import type { Loaded } from '@/lib/load-from-api';
import { formatCount } from '@/lib/metrics-format';

/** Runs start and finish on their own: the history is read again every few seconds. */
export const SCHEDULE_POLL_MS = 5_000;

const PRESETS: { label: string; cron: string }[] = [
  { label: 'Every 15 minutes', cron: '*/15 * * * *' },
  { label: 'Hourly', cron: '0 * * * *' },
  { label: 'Daily at 02:00', cron: '0 2 * * *' },
  { label: 'Mondays at 06:00', cron: '0 6 * * 1' },
];

const RUN_TONE: Record<ScheduleRun['status'], BadgeTone> = { running: 'accent', succeeded: 'green', failed: 'red' };

/** `Mon 30 Nov 2026, 02:00` in the schedule's own zone: the time its cron speaks of. */
function formatInZone(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }).format(
      new Date(iso),
    );
  } catch {
    return iso;
  }
}

interface ScoringScheduleProps {
  endpoint: string;
  initial: Loaded<Schedule>;
  initialAt: number;
}

/**
 * When the endpoint's pending records are scored: a cron expression in a time zone, the next runs
 * it gives, whether a promotion rescores everything, a run by hand, and every run's outcome.
 */
export function ScoringSchedule({ endpoint, initial, initialAt }: ScoringScheduleProps) {
  const [generation, setGeneration] = useState(0);
  const polled = usePolledApi<Schedule>({
    key: `schedule-${generation}`,
    path: () => `${endpointPath(endpoint)}/schedule`,
    intervalMs: SCHEDULE_POLL_MS,
    initial,
    initialKey: 'schedule-0',
    initialAt,
  });
  const askAgain = () => setGeneration((current) => current + 1);
  const schedule = polled.data;
  if (!schedule) return polled.failure ? <ApiErrorPanel failure={polled.failure} /> : null;

  return (
    <div className="grid gap-6">
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <ScheduleForm endpoint={endpoint} schedule={schedule} onSaved={askAgain} />
        <div className="grid content-start gap-4">
          <NextRuns schedule={schedule} />
          <ScoreNow endpoint={endpoint} onQueued={askAgain} />
        </div>
      </div>
      <RunHistory runs={schedule.runs} />
    </div>
  );
}

function ScheduleForm({ endpoint, schedule, onSaved }: { endpoint: string; schedule: Schedule; onSaved: () => void }) {
  const allowed = useCan(Action.manageEndpoints, { endpoint });
  const hydrated = useHydrated();
  const reasonId = useId();
  const zonesId = useId();
  const [cron, setCron] = useState(schedule.cron ?? '');
  const [timezone, setTimezone] = useState(schedule.timezone ?? 'UTC');
  const [rescoreOnPromote, setRescoreOnPromote] = useState(schedule.rescoreOnPromote);
  const [cronError, setCronError] = useState<string>();
  const [timezoneError, setTimezoneError] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setNotice(undefined);
    const missing = cron.trim() === '' ? 'Write a cron expression, or pick one of the presets' : undefined;
    setCronError(missing);
    setTimezoneError(undefined);
    if (missing) return;
    setSaving(true);
    const body: ScheduleBody = { cron: cron.trim(), timezone: timezone.trim() || 'UTC', rescoreOnPromote };
    const result = await callApi<Schedule>('PUT', `${endpointPath(endpoint)}/schedule`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      for (const error of result.problem.errors ?? []) {
        if (error.path === 'body.cron') setCronError(error.message);
        if (error.path === 'body.timezone') setTimezoneError(error.message);
      }
      return;
    }
    setNotice(`Saved: pending records are scored ${result.data.cron} (${result.data.timezone}).`);
    onSaved();
  }

  async function remove() {
    setProblem(undefined);
    setNotice(undefined);
    setSaving(true);
    const result = await callApi<Schedule>('DELETE', `${endpointPath(endpoint)}/schedule`);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setCron('');
    setNotice('Schedule removed: records are scored only when asked (“Score now”).');
    onSaved();
  }

  return (
    <form
      onSubmit={save}
      noValidate
      aria-label="Scoring schedule"
      aria-describedby={allowed.allowed ? undefined : reasonId}
      className="grid content-start gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs"
    >
      {allowed.allowed ? null : <NotAllowedReason id={reasonId} reason={allowed.reason} className="text-sm" />}
      <fieldset disabled={!allowed.allowed || saving} className="grid min-w-0 gap-5">
        <Field
          id="schedule-cron"
          label="Cron expression"
          error={cronError}
          hint="Five fields: minute hour day-of-month month day-of-week (a sixth, leading, for seconds), or @hourly, @daily…"
        >
          <input
            id="schedule-cron"
            type="text"
            value={cron}
            onChange={(event) => setCron(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder="*/15 * * * *"
            className={inputClasses(Boolean(cronError), 'font-mono')}
            {...fieldAria('schedule-cron', true, cronError)}
          />
        </Field>
        <div className="-mt-2 flex flex-wrap gap-2" role="group" aria-label="Presets">
          {PRESETS.map((preset) => (
            <button key={preset.cron} type="button" onClick={() => setCron(preset.cron)} className="rounded-full border border-zinc-300 px-2.5 py-0.5 text-xs text-zinc-700 hover:bg-zinc-50">
              {preset.label}
            </button>
          ))}
        </div>
        <Field id="schedule-timezone" label="Time zone" error={timezoneError} hint="An IANA name; the cron’s hours are read in it (daylight saving included).">
          <input
            id="schedule-timezone"
            type="text"
            value={timezone}
            onChange={(event) => setTimezone(event.target.value)}
            list={zonesId}
            autoComplete="off"
            spellCheck={false}
            className={inputClasses(Boolean(timezoneError), 'font-mono')}
            {...fieldAria('schedule-timezone', true, timezoneError)}
          />
          {/* The browser's list of zones: drawn after hydration, the server's Node may know another list. */}
          {hydrated ? (
            <datalist id={zonesId}>
              {Intl.supportedValuesOf('timeZone').map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          ) : null}
        </Field>
        <label className="flex items-start gap-2 text-sm text-zinc-800">
          <input type="checkbox" checked={rescoreOnPromote} onChange={(event) => setRescoreOnPromote(event.target.checked)} className="mt-0.5 accent-indigo-600" />
          <span>
            Rescore every record when the endpoint’s routing changes
            <span className="block text-xs text-zinc-500">A promotion, rollback or rollout step makes all records pending again, scored by a run of its own.</span>
          </span>
        </label>
      </fieldset>
      {problem ? <ProblemAlert heading="The schedule was not saved" problem={problem} /> : null}
      {notice ? (
        <p role="status" className="text-sm text-emerald-700">
          {notice}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={!allowed.allowed || saving} aria-describedby={allowed.allowed ? undefined : reasonId} className={buttonClasses('primary')}>
          {saving ? 'Saving…' : 'Save schedule'}
        </button>
        {schedule.cron !== null && allowed.allowed ? (
          <button type="button" onClick={remove} disabled={saving} className={buttonClasses('secondary')}>
            Remove schedule
          </button>
        ) : null}
      </div>
    </form>
  );
}

function NextRuns({ schedule }: { schedule: Schedule }) {
  return (
    <section aria-labelledby="schedule-next-runs" className="rounded-xl border border-zinc-200 bg-white p-5 shadow-xs">
      <h3 id="schedule-next-runs" className="text-sm font-semibold text-zinc-900">
        Next runs
      </h3>
      {schedule.cron === null || schedule.timezone === null ? (
        <p className="mt-2 text-sm text-zinc-600">No schedule: pending records wait until someone scores them.</p>
      ) : (
        <>
          <p className="mt-1 text-xs text-zinc-500">
            <span className="font-mono">{schedule.cron}</span> in {schedule.timezone}
            {schedule.rescoreOnPromote ? '; every record is rescored after a routing change' : ''}
          </p>
          <ol className="mt-2 grid gap-1 text-sm text-zinc-800 tabular-nums">
            {schedule.nextRuns.map((run) => (
              <li key={run}>
                <time dateTime={run} title={run}>
                  {formatInZone(run, schedule.timezone ?? 'UTC')}
                </time>
              </li>
            ))}
          </ol>
          {schedule.updatedAt ? (
            <p className="mt-2 text-xs text-zinc-500">
              Set <DateTime iso={schedule.updatedAt} />
              {schedule.updatedBy ? ` by ${schedule.updatedBy}` : ''}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

/** A run of the pending records now, whatever the schedule; its outcome joins the history. */
function ScoreNow({ endpoint, onQueued }: { endpoint: string; onQueued: () => void }) {
  const allowed = useCan(Action.predict, { endpoint });
  const [problem, setProblem] = useState<Problem>();
  const [queued, setQueued] = useState<ScoreRecordsAccepted>();
  const [pending, setPending] = useState(false);
  if (!allowed.allowed) return <NotAllowedButton label="Score now" reason={allowed.reason} />;

  async function scoreNow() {
    setPending(true);
    setProblem(undefined);
    const result = await callApi<ScoreRecordsAccepted>('POST', `${endpointPath(endpoint)}/records/score`);
    setPending(false);
    if (!result.ok) {
      setProblem(result.problem);
      setQueued(undefined);
      return;
    }
    setQueued(result.data);
    onQueued();
  }

  return (
    <div className="grid gap-2">
      <div>
        <button type="button" onClick={scoreNow} disabled={pending} className={buttonClasses('secondary')}>
          {pending ? 'Queueing…' : 'Score now'}
        </button>
      </div>
      {queued ? (
        <p role="status" className="text-sm text-zinc-700">
          Queued a run for {formatCount(queued.pending)} pending {queued.pending === 1 ? 'record' : 'records'}; it appears in the history below.
        </p>
      ) : null}
      {problem ? <ProblemAlert heading="No run was queued" problem={problem} /> : null}
    </div>
  );
}

function RunHistory({ runs }: { runs: ScheduleRun[] }) {
  if (runs.length === 0) return <p className="text-sm text-zinc-600">No run yet.</p>;
  return (
    <Table caption="Scoring runs, newest first">
      <TableHead>
        <Th>Started</Th>
        <Th>Trigger</Th>
        <Th>Status</Th>
        <Th className="text-right">Scored</Th>
        <Th className="text-right">Failed</Th>
        <Th>Took</Th>
        <Th>Error</Th>
      </TableHead>
      <TableBody>
        {runs.map((run) => (
          <tr key={run.id}>
            <Td className="text-zinc-700">
              <DateTime iso={run.startedAt} />
            </Td>
            <Td className="text-zinc-700">
              {run.trigger === 'manual' ? `by hand${run.requestedBy ? ` (${run.requestedBy})` : ''}` : run.trigger === 'promotion' ? `routing change${run.revision !== null ? ` (revision ${run.revision})` : ''}` : 'schedule'}
            </Td>
            <Td>
              <Badge tone={RUN_TONE[run.status]}>{run.status}</Badge>
            </Td>
            <Td className="text-right tabular-nums">{formatCount(run.scored)}</Td>
            <Td className={`text-right tabular-nums ${run.failed > 0 ? 'font-medium text-red-700' : ''}`}>{formatCount(run.failed)}</Td>
            <Td className="whitespace-nowrap text-zinc-600">{run.finishedAt ? formatElapsed((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000) : '…'}</Td>
            <Td className="break-words text-red-800">{run.error ?? ''}</Td>
          </tr>
        ))}
      </TableBody>
    </Table>
  );
}
