'use client';

import { type AbortRolloutBody, Action, type Rollout, type RolloutEvaluation, type RolloutVerdict } from '@modelgate/contracts';
import { type ReactNode, useId, useState } from 'react';
import { Badge, type BadgeTone } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { DateTime } from '@/components/date-time';
import { ModalDialog } from '@/components/modal-dialog';
import { NotAllowedButton } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan } from '@/components/session-provider';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { useDialogChange } from '@/components/use-dialog-change';
import { useNow } from '@/components/use-now';
import { callApi, endpointPath } from '@/lib/browser-api';
import { formatDuration, formatElapsed } from '@/lib/format';
import { formatCount, formatErrorRate, formatMs } from '@/lib/metrics-format';
import { versionLabel } from './metrics-series';
import { ReasonField } from './reason-field';

const verdictTone: Record<RolloutVerdict, BadgeTone> = { wait: 'neutral', advance: 'accent', complete: 'green', rollback: 'red' };

const verdictWords: Record<RolloutVerdict, string> = {
  wait: 'waiting',
  advance: 'advance',
  complete: 'complete',
  rollback: 'roll back',
};

interface RolloutProgressProps {
  endpoint: string;
  rollout: Rollout;
  /** The rollout changed (aborted here): ask for the list again at once. */
  onChanged: () => void;
}

/**
 * The running rollout, live: the steps with the current one marked, the time in this step against
 * the bake time, and the judge's last look: its verdict in words and each guardrail's value next
 * to its limit.
 */
export function RolloutProgress({ endpoint, rollout, onChanged }: RolloutProgressProps) {
  const candidate = versionLabel(rollout.candidate);
  const baseline = versionLabel(rollout.baseline);
  return (
    <article aria-labelledby="running-rollout-title" className="grid gap-5 rounded-xl border border-indigo-200 bg-white p-5 shadow-xs ring-1 ring-indigo-100 sm:p-6">
      <header className="flex flex-wrap items-start gap-3">
        <div className="min-w-0">
          <h3 id="running-rollout-title" className="flex flex-wrap items-center gap-2 text-base font-semibold text-zinc-950">
            Rolling out <span className="font-mono">{candidate}</span> <Badge tone="accent">running</Badge>
          </h3>
          <p className="mt-1 text-sm text-zinc-600">
            Compared with <span className="font-mono text-zinc-900">{baseline}</span> · started by {rollout.createdBy ?? 'system'} ·{' '}
            <DateTime iso={rollout.createdAt} />
          </p>
        </div>
        <div className="sm:ml-auto">
          <AbortRollout endpoint={endpoint} rollout={rollout} onChanged={onChanged} />
        </div>
      </header>

      <RolloutSteps rollout={rollout} />
      <StepClock rollout={rollout} />
      <LastEvaluation rollout={rollout} />
      <p className="text-xs text-zinc-500">A deploy, promote or rollback made by hand while this runs stops the rollout.</p>
    </article>
  );
}

/** `10 % → 50 % → 100 %`, the steps passed, the current one marked, those to come. */
export function RolloutSteps({ rollout }: { rollout: Rollout }) {
  const finishedAll = rollout.status === 'completed';
  return (
    <ol aria-label="Rollout steps" className="flex flex-wrap items-center gap-2">
      {rollout.steps.map((step, index) => {
        const passed = finishedAll || index < rollout.stepIndex;
        const current = !finishedAll && index === rollout.stepIndex;
        const state = passed ? 'passed' : current ? (rollout.status === 'running' ? 'current' : 'stopped here') : 'to come';
        return (
          <li key={index} aria-current={current && rollout.status === 'running' ? 'step' : undefined} className="flex items-center gap-2">
            {index > 0 ? (
              <span aria-hidden="true" className={`h-0.5 w-6 rounded-full ${passed || current ? 'bg-indigo-400' : 'bg-zinc-200'}`} />
            ) : null}
            <span
              className={`inline-flex items-center gap-1 rounded-full px-3 py-1 text-sm font-semibold tabular-nums ring-1 ring-inset ${
                current
                  ? 'bg-indigo-600 text-white ring-indigo-600'
                  : passed
                    ? 'bg-indigo-50 text-indigo-700 ring-indigo-200'
                    : 'bg-white text-zinc-500 ring-zinc-200'
              }`}
            >
              {passed ? <span aria-hidden="true">✓</span> : null}
              {step} %<span className="sr-only"> ({state})</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** How long the current step has run against its bake time, ticking every second. */
function StepClock({ rollout }: { rollout: Rollout }) {
  const now = useNow(1000);
  const started = Date.parse(rollout.stepStartedAt);
  const elapsed = now === undefined || Number.isNaN(started) ? undefined : Math.max(0, (now - started) / 1000);
  const bake = formatDuration(rollout.bakeSeconds * 1000);
  const share = elapsed === undefined ? 0 : Math.min(1, elapsed / rollout.bakeSeconds);
  const step = rollout.steps[rollout.stepIndex];
  const words = elapsed === undefined ? `bake time ${bake}` : `${formatElapsed(elapsed)} of ${bake}`;
  return (
    <div className="grid gap-1.5">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <p className="text-zinc-800">
          Step {rollout.stepIndex + 1} of {rollout.steps.length}: <span className="font-semibold">{step} %</span> of live traffic to the candidate
        </p>
        <p className="text-zinc-600 tabular-nums" data-testid="rollout-step-clock">
          {words}
          {elapsed !== undefined && elapsed >= rollout.bakeSeconds ? ' · baked' : ''}
        </p>
      </div>
      <div
        role="progressbar"
        aria-label="Time in this step"
        aria-valuemin={0}
        aria-valuemax={rollout.bakeSeconds}
        aria-valuenow={elapsed === undefined ? undefined : Math.min(rollout.bakeSeconds, Math.floor(elapsed))}
        aria-valuetext={words}
        className="h-2 overflow-hidden rounded-full bg-zinc-100"
      >
        <div className="h-full rounded-full bg-indigo-500 transition-[width] duration-700" style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}

type GuardrailState = { words: string; tone: BadgeTone };

const WITHIN: GuardrailState = { words: 'within', tone: 'green' };
const OVER: GuardrailState = { words: 'over', tone: 'red' };
const NO_DATA: GuardrailState = { words: 'no data yet', tone: 'neutral' };

/** The judge's last evaluation: the verdict in its words, then each guardrail against its limit. */
function LastEvaluation({ rollout }: { rollout: Rollout }) {
  const evaluation = rollout.lastEvaluation;
  const { guardrails } = rollout;
  return (
    <section aria-labelledby="rollout-evaluation-title" className="grid gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <h4 id="rollout-evaluation-title" className="text-sm font-semibold text-zinc-900">
          Last evaluation
        </h4>
        {evaluation ? (
          <>
            <Badge tone={verdictTone[evaluation.verdict]}>{verdictWords[evaluation.verdict]}</Badge>
            <span className="text-xs text-zinc-500">
              <DateTime iso={evaluation.at} />
            </span>
          </>
        ) : null}
      </div>
      <p className="text-sm text-zinc-700" data-testid="rollout-evaluation-reason">
        {evaluation ? evaluation.reason : 'Not judged yet: the judge looks at this step within seconds.'}
      </p>
      <Table caption="Guardrails">
        <TableHead>
          <Th>Guardrail</Th>
          <Th className="text-right">Candidate</Th>
          <Th>Limit</Th>
          <Th>Now</Th>
        </TableHead>
        <TableBody>
          <GuardrailRow
            name="Error rate"
            value={
              evaluation ? (
                <>
                  {formatErrorRate(evaluation.candidate.errorRate)}{' '}
                  <span className="text-xs font-normal text-zinc-500">
                    ({formatCount(evaluation.candidate.errors)} of {formatCount(evaluation.candidate.requests)})
                  </span>
                </>
              ) : (
                '—'
              )
            }
            limit={`at most ${formatErrorRate(guardrails.maxErrorRate)}`}
            state={errorRateState(evaluation, guardrails.maxErrorRate)}
          />
          <GuardrailRow
            name="p95 latency"
            value={evaluation ? formatMs(evaluation.candidate.p95) : '—'}
            limit={
              evaluation && evaluation.baseline.p95 !== null
                ? `at most ${formatMs(guardrails.maxP95Ratio * evaluation.baseline.p95)} (${guardrails.maxP95Ratio} × baseline ${formatMs(evaluation.baseline.p95)})`
                : `at most ${guardrails.maxP95Ratio} × the baseline’s`
            }
            state={p95State(evaluation, guardrails.maxP95Ratio)}
          />
          <GuardrailRow
            name="Requests in this step"
            value={evaluation ? formatCount(evaluation.candidate.requests) : '—'}
            limit={`at least ${formatCount(guardrails.minRequests)} before judging`}
            state={
              !evaluation
                ? NO_DATA
                : evaluation.candidate.requests >= guardrails.minRequests
                  ? { words: 'enough', tone: 'green' }
                  : { words: 'waiting for more', tone: 'amber' }
            }
          />
        </TableBody>
      </Table>
      {evaluation ? (
        <p className="text-xs text-zinc-500">
          Baseline over the same step: {formatCount(evaluation.baseline.requests)} requests, p95 {formatMs(evaluation.baseline.p95)}.
        </p>
      ) : null}
    </section>
  );
}

function errorRateState(evaluation: RolloutEvaluation | null, max: number): GuardrailState {
  const rate = evaluation?.candidate.errorRate;
  if (rate === null || rate === undefined) return NO_DATA;
  return rate <= max ? WITHIN : OVER;
}

function p95State(evaluation: RolloutEvaluation | null, ratio: number): GuardrailState {
  const p95 = evaluation?.candidate.p95;
  const base = evaluation?.baseline.p95;
  if (p95 === null || p95 === undefined || base === null || base === undefined) return NO_DATA;
  return p95 <= ratio * base ? WITHIN : OVER;
}

function GuardrailRow({ name, value, limit, state }: { name: string; value: ReactNode; limit: string; state: GuardrailState }) {
  return (
    <tr>
      <Td className="font-medium text-zinc-900">{name}</Td>
      <Td className="text-right font-semibold whitespace-nowrap tabular-nums">{value}</Td>
      <Td className="text-zinc-600">{limit}</Td>
      <Td>
        <Badge tone={state.tone}>{state.words}</Badge>
      </Td>
    </tr>
  );
}

/** Stops the rollout after a confirmation: the API routes as before the rollout began, as a new revision. */
function AbortRollout({ endpoint, rollout, onChanged }: RolloutProgressProps) {
  const allowed = useCan(Action.startRollout, { endpoint });
  const [reason, setReason] = useState('');
  // Unique per dialog: the page can hold several of these, and a label must find its own field.
  const reasonId = useId();
  const { dialog, problem, pending, open, submit, clearProblem } = useDialogChange();
  const candidate = versionLabel(rollout.candidate);

  if (!allowed.allowed) return <NotAllowedButton label="Abort rollout" reason={allowed.reason} align="end" />;

  async function abort() {
    const body: AbortRolloutBody = reason.trim() ? { reason: reason.trim() } : {};
    await submit(async () => {
      const result = await callApi<Rollout>('POST', `${endpointPath(endpoint)}/rollouts/${encodeURIComponent(rollout.id)}/abort`, body);
      if (result.ok) onChanged();
      return result;
    });
  }

  return (
    <>
      <button type="button" onClick={open} className={buttonClasses('danger')}>
        Abort rollout
      </button>
      <ModalDialog
        dialog={dialog}
        title={`Abort the rollout of ${candidate}?`}
        onClose={() => {
          clearProblem();
          setReason('');
        }}
      >
        <p className="text-sm text-zinc-700">
          The judge stops at step {rollout.stepIndex + 1} of {rollout.steps.length} ({rollout.steps[rollout.stepIndex]} % to {candidate}), and the
          endpoint routes again as it did before the rollout began, with {versionLabel(rollout.baseline)} as the primary. This writes a new revision;
          the history keeps every step.
        </p>
        <ReasonField id={reasonId} value={reason} onChange={setReason} placeholder="e.g. wrong version" />
        {problem ? <ProblemAlert heading="The rollout was not aborted" problem={problem} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
            Keep it running
          </button>
          <button type="button" onClick={abort} disabled={pending} className={buttonClasses('danger')}>
            {pending ? 'Aborting…' : 'Abort rollout'}
          </button>
        </div>
      </ModalDialog>
    </>
  );
}
