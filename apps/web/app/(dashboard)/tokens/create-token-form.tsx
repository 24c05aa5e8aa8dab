'use client';

import type { CreatedApiKey, CreatePersonalTokenBody, Problem } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { ExpiryField } from '@/components/expiry-field';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { SecretOnce } from '@/components/secret-once';
import { callApi, PROXY_BASE } from '@/lib/browser-api';
import { expiryDayProblem, expiryFromDay } from '@/lib/expiry-date';

type FieldErrors = Partial<Record<'name' | 'expires', string>>;

/** Creates a personal token for the signed-in person; its secret is shown once, above the form. */
export function CreateTokenForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [created, setCreated] = useState<CreatedApiKey>();
  const [saving, setSaving] = useState(false);
  const [, startTransition] = useTransition();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    const found: FieldErrors = {
      name: name.trim() ? undefined : 'Name the token after where it will be used, e.g. “laptop CLI”',
      expires: expiryDayProblem(expires),
    };
    setErrors(found);
    if (found.name || found.expires) return;

    setSaving(true);
    const expiresAt = expiryFromDay(expires);
    const body: CreatePersonalTokenBody = { name: name.trim(), ...(expiresAt ? { expiresAt } : {}) };
    const result = await callApi<CreatedApiKey>('POST', `${PROXY_BASE}/auth/tokens`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setCreated(result.data);
    setName('');
    setExpires('');
    startTransition(() => router.refresh());
  }

  return (
    <div className="grid max-w-3xl gap-6">
      {created ? <SecretOnce heading={`Token “${created.name}” created`} secret={created.secret} onDone={() => setCreated(undefined)} /> : null}
      <form onSubmit={submit} noValidate aria-label="Create a token" className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6">
        <Field id="new-token-name" label="Name" hint="e.g. laptop CLI, nightly retraining job" error={errors.name}>
          <input
            id="new-token-name"
            type="text"
            value={name}
            onChange={(event) => setName(event.target.value)}
            autoComplete="off"
            className={inputClasses(Boolean(errors.name))}
            {...fieldAria('new-token-name', true, errors.name)}
          />
        </Field>
        <ExpiryField id="new-token-expires" value={expires} onChange={setExpires} error={errors.expires} />
        {problem ? <ProblemAlert heading="The token was not created" problem={problem} /> : null}
        <div>
          <button type="submit" disabled={saving} className={buttonClasses('primary')}>
            {saving ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </div>
  );
}
