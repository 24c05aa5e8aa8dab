'use client';

import type { CreateEndpointBody, Endpoint, Placement, Problem } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useMemo, useState } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { callApi, PROXY_BASE } from '@/lib/browser-api';

const NAME_RULE = '2–63 characters: lowercase letters, digits and “-”, starting with a letter or digit';

/**
 * A new endpoint with the default batching, scaling and timeouts; it serves nothing until a
 * version is promoted to it. Opens the new endpoint's page once created.
 */
export function CreateEndpointForm({ namePattern }: { namePattern: string }) {
  const router = useRouter();
  const pattern = useMemo(() => new RegExp(namePattern), [namePattern]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [placement, setPlacement] = useState<Placement>('worker');
  const [nameError, setNameError] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    const error = name === '' ? 'Enter an endpoint name' : pattern.test(name) ? undefined : `Endpoint names are ${NAME_RULE}`;
    setNameError(error);
    if (error) return;
    setSaving(true);
    const body: CreateEndpointBody = { name, description: description.trim(), placement };
    const result = await callApi<Endpoint>('POST', `${PROXY_BASE}/endpoints`, body);
    if (!result.ok) {
      setSaving(false);
      setProblem(result.problem);
      return;
    }
    router.push(`/endpoints/${encodeURIComponent(result.data.name)}`);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create an endpoint" className="grid max-w-3xl gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:grid-cols-2 sm:p-6">
      <Field id="new-endpoint-name" label="Name" hint={nameError ? undefined : `What applications call: /v1/endpoints/<name>/predict. ${NAME_RULE}.`} error={nameError}>
        <input
          id="new-endpoint-name"
          type="text"
          value={name}
          onChange={(event) => setName(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder="fraud"
          className={inputClasses(Boolean(nameError), 'font-mono')}
          {...fieldAria('new-endpoint-name', !nameError, nameError)}
        />
      </Field>
      <Field id="new-endpoint-placement" label="Placement" hint="Worker: a BullMQ worker pool. Gateway: in the API process, lowest latency.">
        <select
          id="new-endpoint-placement"
          value={placement}
          onChange={(event) => setPlacement(event.target.value as Placement)}
          className={inputClasses(false)}
          {...fieldAria('new-endpoint-placement', true, undefined)}
        >
          <option value="worker">worker</option>
          <option value="gateway">gateway</option>
        </select>
      </Field>
      <div className="sm:col-span-2">
        <Field id="new-endpoint-description" label="Description" optional>
          <textarea
            id="new-endpoint-description"
            rows={2}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            className={inputClasses(false)}
          />
        </Field>
      </div>
      <div className="grid gap-3 sm:col-span-2">
        {problem ? <ProblemAlert heading="The endpoint was not created" problem={problem} /> : null}
        <div>
          <button type="submit" disabled={saving} className={buttonClasses('primary')}>
            {saving ? 'Creating…' : 'Create endpoint'}
          </button>
        </div>
      </div>
    </form>
  );
}
