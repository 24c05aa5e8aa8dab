'use client';

import {
  Action,
  CANARY_LIMIT_PERCENT,
  decideSplit,
  type DeployBody,
  type Endpoint,
  type Problem,
  primaryOf,
  type Revision,
} from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, inputClasses } from '@/components/form-field';
import { NotAllowedButton, NotAllowedReason } from '@/components/not-allowed';
import { RouteSummary } from '@/components/route-summary';
import { useCan, useSession } from '@/components/session-provider';
import { callApi, endpointPath } from '@/lib/browser-api';
import { StopsRunningRollout } from './endpoint-rollouts';
import { versionLabel } from './metrics-series';
import { RoutingChanges } from './routing-changes';
import { diffRouting, type Routing } from './routing-diff';
import { RoutingProblemAlert } from './routing-problem-alert';
import { type ShadowDraft, ShadowFields, shadowPercentError } from './shadow-fields';
import { SplitBar } from './split-bar';
import { useVersionChoice, versionKey } from './use-deployable-versions';
import { VersionPicker } from './version-picker';
import { ReasonField } from './reason-field';

interface DeployCanaryProps {
  endpoint: string;
  active: Revision | null;
  /** Every model's name: any of them may be tried as the canary. */
  models: string[];
}

const DEFAULT_WEIGHT = 10;

/**
 * Sends a share of the traffic to another version while the primary keeps the rest, with shadow
 * copies to other versions: the everyday routing change. Data scientists may send at most half
 * the traffic away from the primary (contracts' decideSplit, which the API applies too); admins
 * any share. The resulting split is drawn, with its difference from the active one, before sending.
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
  // The newest deployable version of a model other than the primary is the likeliest canary.
  const choice = useVersionChoice(primary.model, new Set([versionKey(primary)]));
  const { model, version } = choice;
  const [weight, setWeight] = useState(DEFAULT_WEIGHT);
  const [weightText, setWeightText] = useState(String(DEFAULT_WEIGHT));
  const [shadows, setShadows] = useState<ShadowDraft[]>(() => shadowDraftsOf(active));
  const [shadowsOf, setShadowsOf] = useState(active.number);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [deployed, setDeployed] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [, startTransition] = useTransition();
  const sliderId = useId();

  // A new active revision (this deploy, someone else's, a rollout step): start from its shadows.
  if (shadowsOf !== active.number) {
    setShadowsOf(active.number);
    setShadows(shadowDraftsOf(active));
  }


  const primaryLabel = versionLabel(primary);
  const canaryLabel = version === undefined ? undefined : versionLabel({ model, version });
  const weightError = Number.isInteger(weight) && weight >= 1 && weight <= 99 ? undefined : 'A whole number from 1 to 99: the primary keeps the rest';
  const split = decideSplit(
    user.role,
    active.routes.map((route) => ({ version: route.versionId, weight: route.weight, label: versionLabel(route) })),
    [
      { version: primary.versionId, weight: 100 - weight, label: primaryLabel },
      { version: canaryLabel ?? 'canary', weight },
    ],
  );

  const routed = new Set([versionKey(primary), ...(version === undefined ? [] : [versionKey({ model, version })])]);
  // A version that now gets live traffic cannot be a shadow as well: it is left out of the shadows.
  const keptShadows = shadows.filter((shadow) => !routed.has(versionKey(shadow)));
  const shadowsValid = keptShadows.every((shadow) => !shadowPercentError(shadow.percentText));
  // The split this form would deploy; the canary's id is a stand-in (the API resolves model and version).
  const proposed: Routing | undefined =
    version === undefined || weightError || !shadowsValid
      ? undefined
      : {
          routes: [
            { versionId: primary.versionId, model: primary.model, version: primary.version, weight: 100 - weight },
            { versionId: versionKey({ model, version }), model, version, weight },
          ],
          shadows: keptShadows.map((shadow) => ({ versionId: versionKey(shadow), model: shadow.model, version: shadow.version, percent: Number(shadow.percentText) })),
        };
  const changes = proposed ? diffRouting(active, proposed) : [];

  function changeWeight(text: string) {
    setWeightText(text);
    const value = Number(text);
    setWeight(text.trim() === '' ? Number.NaN : value);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setDeployed(undefined);
    if (!proposed || version === undefined || !split.allowed || changes.length === 0) return;
    const body: DeployBody = {
      routes: proposed.routes.map((route) => ({ model: route.model, version: route.version, weight: route.weight })),
      shadows: proposed.shadows.map((shadow) => ({ model: shadow.model, version: shadow.version, percent: shadow.percent })),
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

  const canSubmit = proposed !== undefined && split.allowed && changes.length > 0 && !saving;
  return (
    <form onSubmit={submit} noValidate aria-label="Deploy a canary" className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6">
      <p className="text-sm text-zinc-600">
        The primary, <span className="font-mono text-zinc-900">{primaryLabel}</span>, keeps the rest of the traffic.
        {user.role === 'admin' ? null : ` As a data scientist you can send up to ${CANARY_LIMIT_PERCENT} % to the canary; an admin promotes it.`}
      </p>
      <VersionPicker idPrefix="canary" modelLabel="Model" versionLabel="Version" models={models} choice={choice} />

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

      <ShadowFields models={models} defaultModel={primary.model} shadows={shadows} onChange={setShadows} routed={routed} />

      {proposed ? (
        <div className="grid gap-3 rounded-lg bg-zinc-50 px-4 py-3 text-sm">
          <p className="font-medium text-zinc-800">After deploying</p>
          <SplitBar routes={proposed.routes} label="After deploying" />
          <div className="grid gap-4 sm:grid-cols-2">
            <RouteSummary revision={proposed} />
            <div>
              <p className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase">Changes from revision {active.number}</p>
              {changes.length > 0 ? (
                <RoutingChanges changes={changes} label="Changes this deploy makes" />
              ) : (
                <p className="text-zinc-600">None: this is the active routing. Change the weight or the shadows to deploy.</p>
              )}
            </div>
          </div>
        </div>
      ) : null}

      <ReasonField id="canary-reason" value={reason} onChange={setReason} placeholder="e.g. retrained on October data" hint="Shown in the revision history and the audit log." />

      <StopsRunningRollout />
      {problem ? <RoutingProblemAlert heading="The canary was not deployed" problem={problem} onReloaded={() => setProblem(undefined)} /> : null}
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

/** The active revision's shadows as the form edits them. */
function shadowDraftsOf(revision: Revision): ShadowDraft[] {
  return revision.shadows.map((shadow) => ({ model: shadow.model, version: shadow.version, percentText: String(shadow.percent) }));
}
