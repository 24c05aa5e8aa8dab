'use client';

import { Action, type Endpoint, EndpointConfig, type Placement, type Problem } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, type ReactNode, useId, useRef, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { NotAllowedReason } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan } from '@/components/session-provider';
import { callApi, endpointPath } from '@/lib/browser-api';
import { formatDuration } from '@/lib/format';

/**
 * What this form sends to `PATCH /v1/endpoints/{e}`: any top-level setting, `batching` and
 * `scaling` whole. The API takes `description` too; it is not a serving setting, so not edited here.
 */
type EndpointPatch = Partial<EndpointConfig>;

type NumberSetting = 'maxBatchSize' | 'maxDelayMs' | 'minReplicas' | 'idleTimeoutSec' | 'timeoutMs' | 'maxQueueDepth';
type SettingName = NumberSetting | 'placement';

interface SettingsValues extends Record<NumberSetting, string> {
  placement: Placement;
}

type SettingErrors = Partial<Record<SettingName, string>>;

interface Range {
  min: number;
  max: number;
}

/** The bounds of a contract number (`z.number().int().min().max().default()`). */
function rangeOf(schema: { unwrap(): { minValue: number | null; maxValue: number | null } }): Range {
  const number = schema.unwrap();
  return { min: number.minValue ?? 0, max: number.maxValue ?? Number.MAX_SAFE_INTEGER };
}

const batchingShape = EndpointConfig.shape.batching.unwrap().shape;
const scalingShape = EndpointConfig.shape.scaling.unwrap().shape;

/** Read from the contract the API validates with, so the form refuses exactly what the API would. */
const RANGES: Record<NumberSetting, Range> = {
  maxBatchSize: rangeOf(batchingShape.maxBatchSize),
  maxDelayMs: rangeOf(batchingShape.maxDelayMs),
  minReplicas: rangeOf(scalingShape.minReplicas),
  idleTimeoutSec: rangeOf(scalingShape.idleTimeoutSec),
  timeoutMs: rangeOf(EndpointConfig.shape.timeoutMs),
  maxQueueDepth: rangeOf(EndpointConfig.shape.maxQueueDepth),
};

const PLACEMENTS: { value: Placement; label: string; help: string }[] = [
  {
    value: 'worker',
    label: 'Worker',
    help: 'A separate worker pool: the API queues each request for worker processes, so models never take the API’s CPU.',
  },
  {
    value: 'gateway',
    label: 'Gateway',
    help: 'Inside the API processes: no queue and no extra hop, the lowest latency.',
  },
];

/**
 * The `errors[].path` of a refused PATCH (`body.batching.maxBatchSize`) → the field it is about.
 * The form checks the contract's bounds first, so this matters when the API's rules moved on
 * before the dashboard was rebuilt.
 */
const FIELD_OF_PATH: Record<string, SettingName> = {
  'body.placement': 'placement',
  'body.batching.maxBatchSize': 'maxBatchSize',
  'body.batching.maxDelayMs': 'maxDelayMs',
  'body.scaling.minReplicas': 'minReplicas',
  'body.scaling.idleTimeoutSec': 'idleTimeoutSec',
  'body.timeoutMs': 'timeoutMs',
  'body.maxQueueDepth': 'maxQueueDepth',
};

const inputId = (name: SettingName) => `endpoint-setting-${name}`;
const count = (value: number) => value.toLocaleString('en-US');

function valuesOf(config: EndpointConfig): SettingsValues {
  return {
    placement: config.placement,
    maxBatchSize: String(config.batching.maxBatchSize),
    maxDelayMs: String(config.batching.maxDelayMs),
    minReplicas: String(config.scaling.minReplicas),
    idleTimeoutSec: String(config.scaling.idleTimeoutSec),
    timeoutMs: String(config.timeoutMs),
    maxQueueDepth: String(config.maxQueueDepth),
  };
}

interface EndpointSettingsProps {
  endpoint: string;
  config: EndpointConfig;
}

/**
 * The endpoint's serving settings as a form that PATCHes only what changed. Everyone sees the
 * current values in it; those who may not change them get it disabled, with the reason.
 */
export function EndpointSettings({ endpoint, config }: EndpointSettingsProps) {
  const router = useRouter();
  const allowed = useCan(Action.manageEndpoints, { endpoint });
  const [stored, setStored] = useState(config);
  const [values, setValues] = useState(() => valuesOf(config));
  const [errors, setErrors] = useState<SettingErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  const reasonId = useId();

  const pending = buildPatch(values, stored);
  const changed = Object.keys(pending.body).length > 0;
  // Edited at all, valid or not: what "Discard changes" can take back.
  const storedValues = valuesOf(stored);
  const edited = (Object.keys(values) as (keyof SettingsValues)[]).some((name) => values[name] !== storedValues[name]);

  function set<K extends keyof SettingsValues>(name: K, value: SettingsValues[K]) {
    setValues((current) => ({ ...current, [name]: value }));
    setNotice(undefined);
  }

  function discard() {
    setValues(storedValues);
    setErrors({});
    setProblem(undefined);
    setNotice(undefined);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setNotice(undefined);
    setErrors(pending.errors);
    const firstInvalid = (Object.keys(pending.errors) as SettingName[])[0];
    if (firstInvalid) {
      form.current?.querySelector<HTMLElement>(`#${inputId(firstInvalid)}`)?.focus();
      return;
    }
    if (!changed) {
      setNotice('Nothing changed.');
      return;
    }
    setSaving(true);
    const result = await callApi<Endpoint>('PATCH', endpointPath(endpoint), pending.body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      setErrors(fieldErrorsOf(result.problem));
      return;
    }
    // The API's answer is what is stored now, defaults and all: the form starts from it again.
    setStored(result.data.config);
    setValues(valuesOf(result.data.config));
    setNotice(`Settings saved: ${describeChanges(pending.body, stored)}.`);
    startTransition(() => router.refresh());
  }

  const number = (name: NumberSetting, label: string, hint: ReactNode, unit?: string) => (
    <NumberField name={name} label={label} hint={hint} unit={unit} value={values[name]} error={errors[name]} onChange={(value) => set(name, value)} />
  );
  const delayMs = Number(values.maxDelayMs);
  const timeoutMs = Number(values.timeoutMs);
  const idleSec = Number(values.idleTimeoutSec);

  return (
    <form
      ref={form}
      onSubmit={submit}
      noValidate
      aria-label="Endpoint settings"
      aria-describedby={allowed.allowed ? undefined : reasonId}
      className="grid gap-6 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6"
    >
      {allowed.allowed ? null : <NotAllowedReason id={reasonId} reason={allowed.reason} className="text-sm" />}
      {/* A disabled fieldset disables every control in it, and says so to assistive technology. */}
      <fieldset disabled={!allowed.allowed} className="grid min-w-0 gap-6">
        <fieldset className="min-w-0">
          <legend className="text-sm font-medium text-zinc-800">Placement</legend>
          <div className="mt-2 grid gap-3 sm:grid-cols-2">
            {PLACEMENTS.map((placement) => {
              const id = `${inputId('placement')}-${placement.value}`;
              const checked = values.placement === placement.value;
              return (
                <label
                  key={placement.value}
                  htmlFor={id}
                  className={`flex cursor-pointer gap-3 rounded-lg border px-4 py-3 text-sm has-disabled:cursor-not-allowed ${
                    checked ? 'border-indigo-500 bg-indigo-50/50 ring-1 ring-indigo-500' : 'border-zinc-300 hover:bg-zinc-50'
                  }`}
                >
                  {/* Named by the word alone and described by the line under it, not read as one long name. */}
                  <input
                    id={id}
                    type="radio"
                    name="placement"
                    value={placement.value}
                    checked={checked}
                    onChange={() => set('placement', placement.value)}
                    aria-labelledby={`${id}-name`}
                    aria-describedby={`${id}-help`}
                    className="mt-0.5 accent-indigo-600"
                  />
                  <span>
                    <span id={`${id}-name`} className="font-medium text-zinc-900">
                      {placement.label}
                    </span>
                    <span id={`${id}-help`} className="mt-0.5 block text-xs text-zinc-600">
                      {placement.help}
                    </span>
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>

        <SettingsGroup title="Batching" description="Only models whose first dimension is symbolic are batched; outputs go back to each request.">
          {number('maxBatchSize', 'Max batch size', `Requests run together, at most this many (${count(RANGES.maxBatchSize.min)}–${count(RANGES.maxBatchSize.max)}).`)}
          {number(
            'maxDelayMs',
            'Max batch delay',
            delayMs === 0
              ? 'Adaptive (0): no added delay; batches form only while a run is in flight.'
              : `Waits up to ${Number.isInteger(delayMs) ? formatDuration(delayMs) : '…'} for a batch to fill (0 = adaptive, up to ${count(RANGES.maxDelayMs.max)} ms).`,
            'ms',
          )}
        </SettingsGroup>

        <SettingsGroup title="Scaling" description="How long a model version stays loaded when no request needs it.">
          {number(
            'minReplicas',
            'Min replicas',
            values.minReplicas.trim() === '0'
              ? 'Scales to zero: unloaded after the idle timeout; the next request pays a cold start.'
              : `Kept loaded at all times (0 = unload after the idle timeout and pay a cold start; up to ${RANGES.minReplicas.max}).`,
          )}
          {number(
            'idleTimeoutSec',
            'Idle timeout',
            `${Number.isInteger(idleSec) && idleSec > 0 ? `${formatDuration(idleSec * 1000)} without a request before unloading` : 'Seconds without a request before unloading'} (with min replicas 0; ${count(RANGES.idleTimeoutSec.min)}–${count(RANGES.idleTimeoutSec.max)} s).`,
            's',
          )}
        </SettingsGroup>

        <SettingsGroup title="Limits" description="What a request waits for at most, and how many may wait.">
          {number(
            'timeoutMs',
            'Request timeout',
            `${Number.isInteger(timeoutMs) && timeoutMs > 0 ? formatDuration(timeoutMs) : 'The longest a prediction may take'}; longer answers 504 (${count(RANGES.timeoutMs.min)}–${count(RANGES.timeoutMs.max)} ms).`,
            'ms',
          )}
          {number(
            'maxQueueDepth',
            'Max queue depth',
            `Requests waiting beyond this get 503 with Retry-After (${count(RANGES.maxQueueDepth.min)}–${count(RANGES.maxQueueDepth.max)}).`,
          )}
        </SettingsGroup>
      </fieldset>

      {problem ? <ProblemAlert heading="The settings were not saved" problem={problem} /> : null}
      {notice ? (
        <p role="status" className="text-sm text-emerald-700">
          {notice}
        </p>
      ) : null}

      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={!allowed.allowed || saving}
          aria-describedby={allowed.allowed ? undefined : reasonId}
          className={buttonClasses('primary')}
        >
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        {allowed.allowed ? (
          <button type="button" onClick={discard} disabled={!edited || saving} className={buttonClasses('secondary')}>
            Discard changes
          </button>
        ) : null}
      </div>
    </form>
  );
}

function SettingsGroup({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <div className="border-t border-zinc-100 pt-5">
      <fieldset className="min-w-0">
        <legend className="text-sm font-semibold text-zinc-900">{title}</legend>
        <p className="mt-0.5 text-xs text-zinc-500">{description}</p>
        <div className="mt-3 grid gap-5 sm:grid-cols-2">{children}</div>
      </fieldset>
    </div>
  );
}

interface NumberFieldProps {
  name: NumberSetting;
  label: string;
  hint: ReactNode;
  /** Part of the label, so the number's meaning is never guessed. */
  unit?: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}

function NumberField({ name, label, hint, unit, value, error, onChange }: NumberFieldProps) {
  const id = inputId(name);
  const range = RANGES[name];
  return (
    <Field id={id} label={unit ? `${label} (${unit})` : label} hint={hint} error={error}>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={range.min}
        max={range.max}
        step={1}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className={inputClasses(Boolean(error), 'max-w-40 tabular-nums')}
        {...fieldAria(id, true, error)}
      />
    </Field>
  );
}

/**
 * The PATCH body: only what changed. `batching` and `scaling` go whole when either of their
 * values changed, because the API fills a missing member with its default, not the stored value.
 */
function buildPatch(values: SettingsValues, config: EndpointConfig): { body: EndpointPatch; errors: SettingErrors } {
  const errors: SettingErrors = {};
  const read = (name: NumberSetting): number | undefined => {
    const text = values[name].trim();
    const { min, max } = RANGES[name];
    const value = Number(text);
    if (text === '' || !/^\d+$/.test(text) || value < min || value > max) {
      errors[name] = `A whole number from ${count(min)} to ${count(max)}`;
      return undefined;
    }
    return value;
  };
  const batching = { maxBatchSize: read('maxBatchSize'), maxDelayMs: read('maxDelayMs') };
  const scaling = { minReplicas: read('minReplicas'), idleTimeoutSec: read('idleTimeoutSec') };
  const timeoutMs = read('timeoutMs');
  const maxQueueDepth = read('maxQueueDepth');

  const body: EndpointPatch = {};
  if (values.placement !== config.placement) body.placement = values.placement;
  if (batching.maxBatchSize !== undefined && batching.maxDelayMs !== undefined) {
    if (batching.maxBatchSize !== config.batching.maxBatchSize || batching.maxDelayMs !== config.batching.maxDelayMs) {
      body.batching = { maxBatchSize: batching.maxBatchSize, maxDelayMs: batching.maxDelayMs };
    }
  }
  if (scaling.minReplicas !== undefined && scaling.idleTimeoutSec !== undefined) {
    if (scaling.minReplicas !== config.scaling.minReplicas || scaling.idleTimeoutSec !== config.scaling.idleTimeoutSec) {
      body.scaling = { minReplicas: scaling.minReplicas, idleTimeoutSec: scaling.idleTimeoutSec };
    }
  }
  if (timeoutMs !== undefined && timeoutMs !== config.timeoutMs) body.timeoutMs = timeoutMs;
  if (maxQueueDepth !== undefined && maxQueueDepth !== config.maxQueueDepth) body.maxQueueDepth = maxQueueDepth;
  return { body, errors };
}

/** The API's per-field refusals, put under the fields they are about. */
function fieldErrorsOf(problem: Problem): SettingErrors {
  const errors: SettingErrors = {};
  for (const error of problem.errors ?? []) {
    const field = FIELD_OF_PATH[error.path];
    if (field && !errors[field]) errors[field] = error.message;
  }
  return errors;
}

/** "max batch size 8, request timeout 15 s": what a saved PATCH changed, in words. */
function describeChanges(body: EndpointPatch, before: EndpointConfig): string {
  const parts: string[] = [];
  if (body.placement) parts.push(`placement ${body.placement}`);
  if (body.batching) {
    if (body.batching.maxBatchSize !== before.batching.maxBatchSize) parts.push(`max batch size ${body.batching.maxBatchSize}`);
    if (body.batching.maxDelayMs !== before.batching.maxDelayMs) parts.push(`max batch delay ${formatDuration(body.batching.maxDelayMs)}`);
  }
  if (body.scaling) {
    if (body.scaling.minReplicas !== before.scaling.minReplicas) parts.push(`min replicas ${body.scaling.minReplicas}`);
    if (body.scaling.idleTimeoutSec !== before.scaling.idleTimeoutSec) parts.push(`idle timeout ${formatDuration(body.scaling.idleTimeoutSec * 1000)}`);
  }
  if (body.timeoutMs !== undefined) parts.push(`request timeout ${formatDuration(body.timeoutMs)}`);
  if (body.maxQueueDepth !== undefined) parts.push(`max queue depth ${count(body.maxQueueDepth)}`);
  return parts.join(', ');
}
