'use client';

import { type CreateUserBody, type Problem, ROLE_LABELS, type Role, type User } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useRef, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { callApi, PROXY_BASE } from '@/lib/browser-api';
import { passwordProblem, PASSWORD_RULE } from '@/lib/password-rule';

type FieldName = 'email' | 'password';
type FieldErrors = Partial<Record<FieldName, string>>;

const ROLES = Object.keys(ROLE_LABELS) as Role[];

export function CreateUserForm() {
  const router = useRouter();
  const [values, setValues] = useState({ email: '', name: '', role: 'viewer' as Role, password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [created, setCreated] = useState<User>();
  const [saving, setSaving] = useState(false);
  const [, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setCreated(undefined);
    const found: FieldErrors = {
      email: /^[^\s@]+@[^\s@]+$/.test(values.email.trim()) ? undefined : 'Enter an email address such as ada@example.com',
      password: passwordProblem(values.password),
    };
    setErrors(found);
    const firstInvalid = (['email', 'password'] as const).find((field) => found[field]);
    if (firstInvalid) {
      form.current?.querySelector<HTMLElement>(`#new-user-${firstInvalid}`)?.focus();
      return;
    }

    setSaving(true);
    const body: CreateUserBody = { email: values.email.trim(), name: values.name.trim(), role: values.role, password: values.password };
    const result = await callApi<User>('POST', `${PROXY_BASE}/users`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setCreated(result.data);
    setValues({ email: '', name: '', role: 'viewer', password: '' });
    startTransition(() => router.refresh());
  }

  return (
    <form
      ref={form}
      onSubmit={submit}
      noValidate
      aria-label="Add a user"
      className="grid max-w-3xl gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:grid-cols-2 sm:p-6"
    >
      <Field id="new-user-email" label="Email" error={errors.email}>
        <input
          id="new-user-email"
          type="email"
          value={values.email}
          onChange={(event) => setValues({ ...values, email: event.target.value })}
          autoComplete="off"
          className={inputClasses(Boolean(errors.email))}
          {...fieldAria('new-user-email', false, errors.email)}
        />
      </Field>
      <Field id="new-user-name" label="Name" optional>
        <input
          id="new-user-name"
          type="text"
          value={values.name}
          onChange={(event) => setValues({ ...values, name: event.target.value })}
          autoComplete="off"
          className={inputClasses(false)}
        />
      </Field>
      <Field id="new-user-role" label="Role">
        <select
          id="new-user-role"
          value={values.role}
          onChange={(event) => setValues({ ...values, role: event.target.value as Role })}
          className={inputClasses(false)}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="new-user-password" label="Password" hint={PASSWORD_RULE} error={errors.password}>
        <input
          id="new-user-password"
          type="password"
          value={values.password}
          onChange={(event) => setValues({ ...values, password: event.target.value })}
          autoComplete="new-password"
          className={inputClasses(Boolean(errors.password))}
          {...fieldAria('new-user-password', true, errors.password)}
        />
      </Field>

      <div className="grid gap-3 sm:col-span-2">
        {problem ? <ProblemAlert heading="The user was not added" problem={problem} /> : null}
        {created ? (
          <p role="status" className="text-sm text-emerald-700">
            Added {created.email} as {ROLE_LABELS[created.role].toLowerCase()}.
          </p>
        ) : null}
        <div>
          <button type="submit" disabled={saving} className={buttonClasses('primary')}>
            {saving ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </div>
    </form>
  );
}
