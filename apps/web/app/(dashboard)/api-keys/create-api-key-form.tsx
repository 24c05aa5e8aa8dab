'use client';

import type { CreateApiKeyBody, CreatedApiKey, Problem } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useRef, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { ExpiryField } from '@/components/expiry-field';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { SecretOnce } from '@/components/secret-once';
import { callApi, PROXY_BASE } from '@/lib/browser-api';
import { expiryDayProblem, expiryFromDay } from '@/lib/expiry-date';

type PredictScope = 'all' | 'chosen' | 'none';
type FieldName = 'name' | 'predict' | 'expires' | 'rateLimit';
type FieldErrors = Partial<Record<FieldName, string>>;

interface FormValues {
  name: string;
  predict: PredictScope;
  endpoints: string[];
  read: boolean;
  expires: string;
  perSecond: string;
  burst: string;
}

const EMPTY: FormValues = { name: '', predict: 'all', endpoints: [], read: false, expires: '', perSecond: '', burst: '' };

/** Creates an application key; its secret is shown once, above the form, until dismissed. */
export function CreateApiKeyForm({ endpoints }: { endpoints: string[] }) {
  const router = useRouter();
  const [values, setValues] = useState<FormValues>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [created, setCreated] = useState<CreatedApiKey>();
  const [saving, setSaving] = useState(false);
  const [, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    const { body, errors: found } = buildBody(values);
    setErrors(found);
    const firstInvalid = (['name', 'predict', 'expires', 'rateLimit'] as const).find((field) => found[field]);
    if (firstInvalid || !body) {
      form.current?.querySelector<HTMLElement>(`[data-field="${firstInvalid}"]`)?.focus();
      return;
    }
    setSaving(true);
    const result = await callApi<CreatedApiKey>('POST', `${PROXY_BASE}/api-keys`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setCreated(result.data);
    setValues(EMPTY);
    startTransition(() => router.refresh());
  }

  return (
    <div className="grid max-w-3xl gap-6">
      {created ? (
        <SecretOnce heading={`API key “${created.name}” created`} secret={created.secret} onDone={() => setCreated(undefined)} />
      ) : null}
      <form
        ref={form}
        onSubmit={submit}
        noValidate
        aria-label="Create an API key"
        className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6"
      >
        <Field id="new-key-name" label="Name" hint="e.g. checkout-service (production)" error={errors.name}>
          <input
            id="new-key-name"
            data-field="name"
            type="text"
            value={values.name}
            onChange={(event) => set('name', event.target.value)}
            autoComplete="off"
            className={inputClasses(Boolean(errors.name))}
            {...fieldAria('new-key-name', true, errors.name)}
          />
        </Field>

        <fieldset className="grid gap-2" aria-describedby={errors.predict ? 'new-key-predict-error' : undefined}>
          <legend className="text-sm font-medium text-zinc-800">
            Predict on
          </legend>
          <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
            <Choice name="predict" value="all" checked={values.predict === 'all'} onChange={() => set('predict', 'all')} field="predict">
              All endpoints
            </Choice>
            <Choice name="predict" value="chosen" checked={values.predict === 'chosen'} onChange={() => set('predict', 'chosen')}>
              Chosen endpoints
            </Choice>
            <Choice name="predict" value="none" checked={values.predict === 'none'} onChange={() => set('predict', 'none')}>
              No endpoint
            </Choice>
          </div>
          {values.predict === 'chosen' ? (
            endpoints.length === 0 ? (
              <p className="text-sm text-zinc-600">There are no endpoints yet: create one first, or allow all endpoints.</p>
            ) : (
              <ul aria-label="Endpoints this key may call" className="grid gap-1.5 rounded-lg border border-zinc-200 p-3 text-sm sm:grid-cols-2">
                {endpoints.map((endpoint) => (
                  <li key={endpoint}>
                    <label className="flex items-center gap-2">
                      <input
                        type="checkbox"
                        checked={values.endpoints.includes(endpoint)}
                        onChange={(event) =>
                          set('endpoints', event.target.checked ? [...values.endpoints, endpoint] : values.endpoints.filter((name) => name !== endpoint))
                        }
                        className="size-4 rounded border-zinc-300 accent-indigo-600"
                      />
                      <span className="font-mono">{endpoint}</span>
                    </label>
                  </li>
                ))}
              </ul>
            )
          ) : null}
          {errors.predict ? (
            <p id="new-key-predict-error" className="text-sm text-red-700">
              {errors.predict}
            </p>
          ) : null}
        </fieldset>

        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            checked={values.read}
            onChange={(event) => set('read', event.target.checked)}
            className="mt-0.5 size-4 rounded border-zinc-300 accent-indigo-600"
          />
          <span>
            <span className="font-medium text-zinc-800">Read</span>
            <span className="block text-zinc-500">List models, versions and endpoints, and download artifacts (the embedded pattern).</span>
          </span>
        </label>

        <ExpiryField id="new-key-expires" value={values.expires} onChange={(day) => set('expires', day)} error={errors.expires} />

        <fieldset className="grid gap-2">
          <legend className="text-sm font-medium text-zinc-800">
            Rate limit <span className="font-normal text-zinc-500">(optional)</span>
          </legend>
          <p className="text-xs text-zinc-500">Leave both empty for the deployment’s default. Beyond it the API answers 429 with Retry-After.</p>
          <div className="flex flex-wrap gap-4">
            <Field id="new-key-per-second" label="Requests per second">
              <input
                id="new-key-per-second"
                data-field="rateLimit"
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                value={values.perSecond}
                onChange={(event) => set('perSecond', event.target.value)}
                className={inputClasses(Boolean(errors.rateLimit), 'w-40')}
                aria-invalid={errors.rateLimit ? true : undefined}
                aria-describedby={errors.rateLimit ? 'new-key-rate-error' : undefined}
              />
            </Field>
            <Field id="new-key-burst" label="Burst">
              <input
                id="new-key-burst"
                type="number"
                inputMode="numeric"
                min={1}
                step={1}
                value={values.burst}
                onChange={(event) => set('burst', event.target.value)}
                className={inputClasses(Boolean(errors.rateLimit), 'w-40')}
                aria-invalid={errors.rateLimit ? true : undefined}
                aria-describedby={errors.rateLimit ? 'new-key-rate-error' : undefined}
              />
            </Field>
          </div>
          {errors.rateLimit ? (
            <p id="new-key-rate-error" className="text-sm text-red-700">
              {errors.rateLimit}
            </p>
          ) : null}
        </fieldset>

        {problem ? <ProblemAlert heading="The key was not created" problem={problem} /> : null}
        <div>
          <button type="submit" disabled={saving} className={buttonClasses('primary')}>
            {saving ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </div>
  );
}

function Choice({
  name,
  value,
  checked,
  onChange,
  field,
  children,
}: {
  name: string;
  value: string;
  checked: boolean;
  onChange: () => void;
  field?: string;
  children: string;
}) {
  return (
    <label className="flex items-center gap-2">
      <input type="radio" name={name} value={value} checked={checked} onChange={onChange} data-field={field} className="size-4 accent-indigo-600" />
      {children}
    </label>
  );
}

/** The request body, or what to fix first; the API checks the same rules again. */
function buildBody(values: FormValues): { body?: CreateApiKeyBody; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Name the key after the application that will use it';

  const predict = values.predict === 'all' ? ['*'] : values.predict === 'chosen' ? values.endpoints : [];
  if (values.predict === 'chosen' && predict.length === 0) errors.predict = 'Tick at least one endpoint, or choose all endpoints';
  else if (predict.length === 0 && !values.read) errors.predict = 'A key needs something to do: predict on an endpoint, or read (or both)';

  errors.expires = expiryDayProblem(values.expires);

  let rateLimit: CreateApiKeyBody['rateLimit'];
  const perSecond = values.perSecond.trim();
  const burst = values.burst.trim();
  if (perSecond || burst) {
    const perSecondValue = Number(perSecond);
    const burstValue = Number(burst);
    if (!perSecond || !burst) errors.rateLimit = 'Fill in both requests per second and burst, or neither';
    else if (!(perSecondValue > 0)) errors.rateLimit = 'Requests per second must be more than 0';
    else if (!Number.isInteger(burstValue) || burstValue < 1) errors.rateLimit = 'Burst is a whole number of requests, at least 1';
    else rateLimit = { perSecond: perSecondValue, burst: burstValue };
  }

  if (Object.values(errors).some(Boolean)) return { errors };
  const expiresAt = expiryFromDay(values.expires);
  return {
    body: {
      name,
      scopes: { predict, read: values.read },
      ...(expiresAt ? { expiresAt } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    },
    errors,
  };
}
