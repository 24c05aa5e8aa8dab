'use client';

import {
  Action,
  CANARY_LIMIT_PERCENT,
  decideSplit,
  type DeployBody,
  type Endpoint,
  type ModelDetail,
  type Problem,
  primaryOf,
  type Revision,
} from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useId, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { NotAllowedButton, NotAllowedReason } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan, useSession } from '@/components/session-provider';
import { callApi, endpointPath, PROXY_BASE } from '@/lib/browser-api';

interface DeployCanaryProps {
  endpoint: string;
  active: Revision | null;
  /** Every model's name: any of them may be tried as the canary. */
  models: string[];
}

/** A version that can be deployed: validated, not archived. */
interface DeployableVersion {
  version: number;
  label: string;
}

type VersionsState = { status: 'loading' } | { status: 'loaded'; versions: DeployableVersion[] } | { status: 'failed'; problem: Problem };

const DEFAULT_WEIGHT = 10;

/**
 * Sends a share of the traffic to another version while the primary keeps the rest: the
 * smallest useful routing change. Data scientists may send at most half the traffic away from
 * the primary (contracts' decideSplit, which the API applies too); admins any share.
 */
export function DeployCanary({ endpoint, active, models }: DeployCanaryProps) {
  const session = useSession();
  const allowed = useCan(Action.deploy, { endpoint });
  const primary = active ? primaryOf(active.routes) : undefined;

  if (!allowed.allowed) return <NotAllowedButton label="Deploy a canary" reason={allowed.reason} />;
  if (!active || !primary) {
    // The canary rule's own words for data scientists; admins are told how to start.
    const decision = decideSplit(session.user.role, [], []);
    return (
      <div className="rounded-xl border border-dashed border-zinc-300 bg-white px-5 py-4 text-sm text-zinc-600">
        <p className="font-medium text-zinc-900">A canary needs a primary to split from.</p>
        {decision.allowed ? (
          <p className="mt-1">
            Promote a version first: <code className="font-mono">POST /v1/endpoints/{endpoint}/promote</code> sends it 100 %.
          </p>
        ) : (
          <NotAllowedReason reason={decision.reason} className="mt-1 text-sm" />
        )}
      </div>
    );
  }
  return <CanaryForm endpoint={endpoint} active={active} primary={primary} models={models} />;
}

interface CanaryFormProps {
  endpoint: string;
  active: Revision;
  primary: Revision['routes'][number];
  models: string[];
}

function CanaryForm({ endpoint, active, primary, models }: CanaryFormProps) {
  const router = useRouter();
  const { user } = useSession();
  const [model, setModel] = useState(primary.model);
  const versions = useDeployableVersions(model, primary);
  const [version, setVersion] = useState<number>();
  const [weight, setWeight] = useState(DEFAULT_WEIGHT);
  const [weightText, setWeightText] = useState(String(DEFAULT_WEIGHT));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [deployed, setDeployed] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [, startTransition] = useTransition();
  const sliderId = useId();

  // The newest deployable version of the chosen model is the likeliest canary.
  const choices = versions.status === 'loaded' ? versions.versions : [];
  useEffect(() => {
    if (versions.status === 'loaded') setVersion(versions.versions[0]?.version);
  }, [versions]);

  const primaryLabel = `${primary.model}@v${primary.version}`;
  const canaryLabel = version === undefined ? undefined : `${model}@v${version}`;
  const weightError = Number.isInteger(weight) && weight >= 1 && weight <= 99 ? undefined : 'A whole number from 1 to 99: the primary keeps the rest';
  const split = decideSplit(
    user.role,
    active.routes.map((route) => ({ version: route.versionId, weight: route.weight, label: `${route.model}@v${route.version}` })),
    [
      { version: primary.versionId, weight: 100 - weight, label: primaryLabel },
      { version: canaryLabel ?? 'canary', weight },
    ],
  );
  // Shadows keep mirroring as before, except onto the version that now gets real traffic.
  const keptShadows = active.shadows.filter((shadow) => !(shadow.model === model && shadow.version === version));

  function changeWeight(text: string) {
    setWeightText(text);
    const value = Number(text);
    setWeight(text.trim() === '' ? Number.NaN : value);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setDeployed(undefined);
    if (version === undefined || weightError || !split.allowed) return;
    const body: DeployBody = {
      routes: [
        { model: primary.model, version: primary.version, weight: 100 - weight },
        { model, version, weight },
      ],
      shadows: keptShadows.map((shadow) => ({ model: shadow.model, version: shadow.version, percent: shadow.percent })),
      expectedRevision: active.number,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    setSaving(true);
    const result = await callApi<Endpoint>('POST', `${endpointPath(endpoint)}/revisions`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    const revision = result.data.activeRevision;
    setDeployed(`Revision ${revision?.number ?? ''} is live: ${canaryLabel} gets ${weight} %, ${primaryLabel} ${100 - weight} %.`);
    setReason('');
    startTransition(() => router.refresh());
  }

  const canSubmit = version !== undefined && !weightError && split.allowed && !saving;
  return (
    <form onSubmit={submit} noValidate aria-label="Deploy a canary" className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6">
      <p className="text-sm text-zinc-600">
        The primary, <span className="font-mono text-zinc-900">{primaryLabel}</span>, keeps the rest of the traffic.
        {user.role === 'admin' ? null : ` As a data scientist you can send up to ${CANARY_LIMIT_PERCENT} % to the canary; an admin promotes it.`}
      </p>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field id="canary-model" label="Model">
          <select id="canary-model" value={model} onChange={(event) => setModel(event.target.value)} className={inputClasses(false, 'font-mono')}>
            {models.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="canary-version"
          label="Version"
          hint={versions.status === 'loaded' && choices.length === 0 ? 'No other ready, unarchived version of this model: upload one first.' : undefined}
        >
          <select
            id="canary-version"
            value={version ?? ''}
            disabled={choices.length === 0}
            onChange={(event) => setVersion(Number(event.target.value))}
            className={inputClasses(false, 'font-mono')}
            {...fieldAria('canary-version', versions.status === 'loaded' && choices.length === 0, undefined)}
          >
            {versions.status === 'loading' ? <option value="">Loading versions…</option> : null}
            {choices.map((choice) => (
              <option key={choice.version} value={choice.version}>
                {choice.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {versions.status === 'failed' ? <ProblemAlert heading={`The versions of ${model} could not be loaded`} problem={versions.problem} /> : null}

      <Field id="canary-weight" label="Canary weight (%)" error={weightError}>
        <div className="flex items-center gap-4">
          <div className="w-24 shrink-0">
            <input
              id="canary-weight"
              type="number"
              min={1}
              max={99}
              step={1}
              value={weightText}
              onChange={(event) => changeWeight(event.target.value)}
              className={inputClasses(Boolean(weightError) || !split.allowed, 'tabular-nums')}
              aria-invalid={weightError || !split.allowed ? true : undefined}
              aria-describedby={weightError ? 'canary-weight-error' : !split.allowed ? 'canary-weight-limit' : undefined}
            />
          </div>
          <input
            id={sliderId}
            type="range"
            min={1}
            max={99}
            step={1}
            value={Number.isFinite(weight) ? Math.min(99, Math.max(1, weight)) : DEFAULT_WEIGHT}
            onChange={(event) => changeWeight(event.target.value)}
            aria-label="Canary weight slider"
            aria-valuetext={Number.isFinite(weight) ? `${weight} % to the canary, ${100 - weight} % to the primary` : undefined}
            className="w-full max-w-sm accent-indigo-600"
          />
        </div>
      </Field>
      {!split.allowed && !weightError ? (
        <NotAllowedReason id="canary-weight-limit" reason={split.reason} className="-mt-3 text-sm text-red-700" />
      ) : null}

      {canaryLabel && !weightError ? (
        <div className="rounded-lg bg-zinc-50 px-4 py-3 text-sm">
          <p className="font-medium text-zinc-800">After deploying</p>
          <ul className="mt-1 font-mono text-[13px] text-zinc-700">
            <li>
              {primaryLabel} <span className="text-zinc-500">{100 - weight}%</span>
            </li>
            <li>
              {canaryLabel} <span className="text-zinc-500">{weight}%</span>
            </li>
            {keptShadows.map((shadow) => (
              <li key={shadow.versionId} className="text-zinc-500">
                {shadow.model}@v{shadow.version} shadow {shadow.percent}%
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <Field id="canary-reason" label="Reason" optional hint="Shown in the revision history and the audit log.">
        <input
          id="canary-reason"
          type="text"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          placeholder="e.g. retrained on October data"
          className={inputClasses(false)}
          {...fieldAria('canary-reason', true, undefined)}
        />
      </Field>

      {problem ? <ProblemAlert heading="The canary was not deployed" problem={problem} /> : null}
      {deployed ? (
        <p role="status" className="text-sm text-emerald-700">
          {deployed}
        </p>
      ) : null}
      <div>
        <button type="submit" disabled={!canSubmit} className={buttonClasses('primary')}>
          {saving ? 'Deploying…' : 'Deploy canary'}
        </button>
      </div>
    </form>
  );
}

/** The chosen model's ready, unarchived versions, newest first, without the primary itself. */
function useDeployableVersions(model: string, primary: Revision['routes'][number]): VersionsState {
  const [state, setState] = useState<VersionsState>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    callApi<ModelDetail>('GET', `${PROXY_BASE}/models/${encodeURIComponent(model)}`).then((result) => {
      if (!current) return;
      if (!result.ok) {
        setState({ status: 'failed', problem: result.problem });
        return;
      }
      const versions = result.data.versions
        .filter((candidate) => candidate.status === 'ready' && !candidate.archivedAt)
        .filter((candidate) => !(candidate.model === primary.model && candidate.version === primary.version))
        .sort((a, b) => b.version - a.version)
        .map((candidate) => ({
          version: candidate.version,
          label: `v${candidate.version}${candidate.metadata.description ? ` — ${candidate.metadata.description.slice(0, 60)}` : ''}`,
        }));
      setState({ status: 'loaded', versions });
    });
    return () => {
      current = false;
    };
  }, [model, primary.model, primary.version]);
  return state;
}
