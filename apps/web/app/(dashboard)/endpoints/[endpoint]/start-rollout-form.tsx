'use client';

import { type Problem, type Revision, type Rollout, RolloutGuardrails, StartRolloutBody } from '@modelgate/contracts';
import { type FormEvent, useState } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { callApi, endpointPath } from '@/lib/browser-api';
import { formatDuration } from '@/lib/format';
import { formatErrorRate } from '@/lib/metrics-format';
import { versionLabel } from './metrics-series';
import { RoutingProblemAlert } from './routing-problem-alert';
import { useVersionChoice, versionKey } from './use-deployable-versions';
import { VersionPicker } from './version-picker';
import { ReasonField } from './reason-field';

/** What the API fills in when a field is left out: the form starts from the same values. */
const DEFAULTS = {
  steps: StartRolloutBody.shape.steps.parse(undefined),
  bakeSeconds: StartRolloutBody.shape.bakeSeconds.parse(undefined),
  guardrails: RolloutGuardrails.parse({}),
};

type FieldName = 'steps' | 'bakeSeconds' | 'maxErrorRate' | 'maxP95Ratio' | 'minRequests';
type FieldErrors = Partial<Record<FieldName, string>>;

/** `10, 50, 100` or `10 → 50 → 100`: the numbers in order; NaN for anything that is not one. */
function parseSteps(text: string): number[] {
  return text
    .split(/[\s,→>]+/)
    .filter(Boolean)
    .map((part) => Number(part.replace(/%$/, '')));
}

/** A typed number; an empty field is NaN (refused), not 0 (which a limit could take for "none allowed"). */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The field a contract issue is about, from its path (`guardrails.maxErrorRate` → maxErrorRate). */
function fieldOf(path: PropertyKey[]): FieldName | undefined {
  const [first, second] = path;
  if (first === 'steps' || first === 'bakeSeconds') return first;
  if (first === 'guardrails' && (second === 'maxErrorRate' || second === 'maxP95Ratio' || second === 'minRequests')) return second;
  return undefined;
}

interface StartRolloutFormProps {
  endpoint: string;
  active: Revision;
  /** The version the candidate is compared with: the active revision's heaviest route. */
  baseline: Revision['routes'][number];
  models: string[];
  onStarted: (rollout: Rollout) => void;
}

/**
 * Starts a progressive rollout: the candidate gets each step's share of traffic in turn, for at
 * least the bake time, while the guardrails compare it with the baseline. Checked against the
 * contract the API validates with before sending, so a mistake is pointed at in place.
 */
export function StartRolloutForm({ endpoint, active, baseline, models, onStarted }: StartRolloutFormProps) {
  const choice = useVersionChoice(baseline.model, new Set([versionKey(baseline)]));
  const { model, version } = choice;
  const [stepsText, setStepsText] = useState(DEFAULTS.steps.join(', '));
  const [bakeText, setBakeText] = useState(String(DEFAULTS.bakeSeconds));
  const [errorRateText, setErrorRateText] = useState(String(DEFAULTS.guardrails.maxErrorRate * 100));
  const [ratioText, setRatioText] = useState(String(DEFAULTS.guardrails.maxP95Ratio));
  const [minRequestsText, setMinRequestsText] = useState(String(DEFAULTS.guardrails.minRequests));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [saving, setSaving] = useState(false);

  const baselineLabel = versionLabel(baseline);

  function bodyOf(candidate: number) {
    return {
      model,
      version: candidate,
      steps: parseSteps(stepsText),
      bakeSeconds: numberOf(bakeText),
      guardrails: {
        maxErrorRate: numberOf(errorRateText) / 100,
        maxP95Ratio: numberOf(ratioText),
        minRequests: numberOf(minRequestsText),
      },
      expectedRevision: active.number,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    if (version === undefined) return;
    const body = bodyOf(version);
    const checked = StartRolloutBody.safeParse(body);
    const found: FieldErrors = {};
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = fieldOf(issue.path);
        if (field && !found[field]) found[field] = issue.message;
      }
    }
    if (body.steps.some((step) => !Number.isInteger(step))) found.steps = 'Whole percentages separated by commas, e.g. 10, 50, 100';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    const result = await callApi<Rollout>('POST', `${endpointPath(endpoint)}/rollouts`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setReason('');
    onStarted(result.data);
  }

  const steps = parseSteps(stepsText);
  const bake = numberOf(bakeText);
  const summary =
    version !== undefined && Object.keys(errors).length === 0 && steps.length > 0 && steps.every(Number.isFinite) && Number.isFinite(bake) && bake > 0
      ? `${versionLabel({ model, version })} gets ${steps.map((step) => `${step} %`).join(' → ')} of the traffic, each step for at least ${formatDuration(bake * 1000)}, while its error rate stays at most ${formatErrorRate(Number(errorRateText) / 100)} and its p95 at most ${ratioText} × ${baselineLabel}’s. A step is judged once the candidate answered ${minRequestsText} requests in it.`
      : undefined;

  return (
    <form onSubmit={submit} noValidate aria-label="Start a rollout" className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6">
      <p className="text-sm text-zinc-600">
        The candidate is compared with the baseline, <span className="font-mono text-zinc-900">{baselineLabel}</span> (the primary now). If a
        guardrail is crossed, the judge rolls back on its own; after the last step it promotes the candidate.
      </p>
      <VersionPicker idPrefix="rollout" modelLabel="Candidate model" versionLabel="Candidate version" models={models} choice={choice} />

      <div className="grid gap-5 sm:grid-cols-2">
        <Field id="rollout-steps" label="Steps (% of traffic)" hint={`Increasing, ending at 100. Default ${DEFAULTS.steps.join(', ')}.`} error={errors.steps}>
          <input
            id="rollout-steps"
            type="text"
            inputMode="numeric"
            value={stepsText}
            onChange={(event) => setStepsText(event.target.value)}
            className={inputClasses(Boolean(errors.steps), 'tabular-nums')}
            {...fieldAria('rollout-steps', true, errors.steps)}
          />
        </Field>
        <Field
          id="rollout-bake"
          label="Bake time per step (seconds)"
          hint={`Least time a step runs before the candidate may advance. Default ${DEFAULTS.bakeSeconds} (${formatDuration(DEFAULTS.bakeSeconds * 1000)}).`}
          error={errors.bakeSeconds}
        >
          <input
            id="rollout-bake"
            type="number"
            min={1}
            step={1}
            value={bakeText}
            onChange={(event) => setBakeText(event.target.value)}
            className={inputClasses(Boolean(errors.bakeSeconds), 'tabular-nums')}
            {...fieldAria('rollout-bake', true, errors.bakeSeconds)}
          />
        </Field>
      </div>

      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-3 text-sm font-medium text-zinc-800">Guardrails, checked over each step</legend>
        <Field
          id="rollout-max-error-rate"
          label="Max error rate (%)"
          hint={`5xx, timeouts and shed requests. Default ${formatErrorRate(DEFAULTS.guardrails.maxErrorRate)}.`}
          error={errors.maxErrorRate}
        >
          <input
            id="rollout-max-error-rate"
            type="number"
            min={0}
            max={100}
            step="any"
            value={errorRateText}
            onChange={(event) => setErrorRateText(event.target.value)}
            className={inputClasses(Boolean(errors.maxErrorRate), 'tabular-nums')}
            {...fieldAria('rollout-max-error-rate', true, errors.maxErrorRate)}
          />
        </Field>
        <Field
          id="rollout-max-p95-ratio"
          label="Max p95 vs baseline (×)"
          hint={`The candidate’s p95 over the baseline’s. Default ${DEFAULTS.guardrails.maxP95Ratio}.`}
          error={errors.maxP95Ratio}
        >
          <input
            id="rollout-max-p95-ratio"
            type="number"
            min={1}
            step="any"
            value={ratioText}
            onChange={(event) => setRatioText(event.target.value)}
            className={inputClasses(Boolean(errors.maxP95Ratio), 'tabular-nums')}
            {...fieldAria('rollout-max-p95-ratio', true, errors.maxP95Ratio)}
          />
        </Field>
        <Field
          id="rollout-min-requests"
          label="Min requests per step"
          hint={`Fewer and the step is not judged yet. Default ${DEFAULTS.guardrails.minRequests}.`}
          error={errors.minRequests}
        >
          <input
            id="rollout-min-requests"
            type="number"
            min={1}
            step={1}
            value={minRequestsText}
            onChange={(event) => setMinRequestsText(event.target.value)}
            className={inputClasses(Boolean(errors.minRequests), 'tabular-nums')}
            {...fieldAria('rollout-min-requests', true, errors.minRequests)}
          />
        </Field>
      </fieldset>

      <ReasonField id="rollout-reason" value={reason} onChange={setReason} placeholder="e.g. October retrain, step by step" hint="Shown in the revisions the rollout writes and in the audit log." />

      {summary ? <p className="rounded-lg bg-zinc-50 px-4 py-3 text-sm text-zinc-700">{summary}</p> : null}
      {problem ? <RoutingProblemAlert heading="The rollout was not started" problem={problem} onReloaded={() => setProblem(undefined)} /> : null}
      <div>
        <button type="submit" disabled={version === undefined || saving} className={buttonClasses('primary')}>
          {saving ? 'Starting…' : 'Start rollout'}
        </button>
      </div>
    </form>
  );
}
