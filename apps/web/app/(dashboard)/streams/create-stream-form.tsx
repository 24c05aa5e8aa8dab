'use client';

import { CreateStreamBody, type StreamBinding, type StreamStart, type Problem } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { callApi, PROXY_BASE } from '@/lib/browser-api';

type FieldName = 'name' | 'endpoint' | 'source' | 'sink';
type FieldErrors = Partial<Record<FieldName, string>>;

/** `body.sink` → `sink`: the API's field errors placed under their fields. */
const fieldOfPath = (path: string) => path.replace(/^body\./, '') as FieldName;

/**
 * Binds a Redis Stream to an endpoint. The form checks what the contract checks (names, the sink
 * differing from the source) before sending; the API adds what only it knows (a name taken, an
 * endpoint that does not exist).
 */
export function CreateStreamForm({ endpoints, onCreated }: { endpoints: string[]; onCreated: () => void }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [name, setName] = useState('');
  const [endpoint, setEndpoint] = useState(endpoints[0] ?? '');
  const [source, setSource] = useState('');
  const [sink, setSink] = useState('');
  const [from, setFrom] = useState<StreamStart>('beginning');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<StreamBinding>();

  // Until a sink is typed, the predictions go next to the source: `orders` → `orders-scored`.
  const sinkOrDefault = sink.trim() || (source.trim() ? `${source.trim()}-scored` : '');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setCreated(undefined);
    const body = { name: name.trim(), endpoint, source: source.trim(), sink: sinkOrDefault, from };
    const checked = CreateStreamBody.safeParse(body);
    const found: FieldErrors = {};
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = String(issue.path[0] ?? '') as FieldName;
        found[field] ??= field === 'name' && body.name === '' ? 'Name the binding' : issue.message;
      }
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    const result = await callApi<StreamBinding>('POST', `${PROXY_BASE}/streams`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      setErrors(Object.fromEntries((result.problem.errors ?? []).map((error) => [fieldOfPath(error.path), error.message])));
      return;
    }
    setCreated(result.data);
    setName('');
    setSource('');
    setSink('');
    onCreated();
    // The server render holds each endpoint's example message: the new binding's endpoint may be new to it.
    startTransition(() => router.refresh());
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Bind a stream" className="grid max-w-3xl gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:grid-cols-2 sm:p-6">
      <Field id="stream-name" label="Name" error={errors.name} hint={errors.name ? undefined : 'How the binding is named here and in the API (lowercase letters, digits, “-”).'}>
        <input
          id="stream-name"
          type="text"
          value={name}
          onChange={(event) => setName(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder="orders-fraud"
          className={inputClasses(Boolean(errors.name), 'font-mono')}
          {...fieldAria('stream-name', !errors.name, errors.name)}
        />
      </Field>
      <Field id="stream-endpoint" label="Endpoint" error={errors.endpoint} hint={endpoints.length === 0 ? 'Create an endpoint first.' : 'Scores each message through its routing.'}>
        <select
          id="stream-endpoint"
          value={endpoint}
          onChange={(event) => setEndpoint(event.target.value)}
          className={inputClasses(Boolean(errors.endpoint), 'font-mono')}
          {...fieldAria('stream-endpoint', true, errors.endpoint)}
        >
          {endpoints.length === 0 ? <option value="">—</option> : null}
          {endpoints.map((item) => (
            <option key={item} value={item}>
              {item}
            </option>
          ))}
        </select>
      </Field>
      <Field id="stream-source" label="Source stream" error={errors.source} hint={errors.source ? undefined : 'Applications XADD here; created empty if missing.'}>
        <input
          id="stream-source"
          type="text"
          value={source}
          onChange={(event) => setSource(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder="orders"
          className={inputClasses(Boolean(errors.source), 'font-mono')}
          {...fieldAria('stream-source', !errors.source, errors.source)}
        />
      </Field>
      <Field id="stream-sink" label="Sink stream" optional error={errors.sink} hint={errors.sink ? undefined : `Predictions are published here${sinkOrDefault && !sink.trim() ? `: ${sinkOrDefault}` : ''}.`}>
        <input
          id="stream-sink"
          type="text"
          value={sink}
          onChange={(event) => setSink(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder={source.trim() ? `${source.trim()}-scored` : 'orders-scored'}
          className={inputClasses(Boolean(errors.sink), 'font-mono')}
          {...fieldAria('stream-sink', !errors.sink, errors.sink)}
        />
      </Field>
      <fieldset className="min-w-0 sm:col-span-2">
        <legend className="text-sm font-medium text-zinc-800">Start from</legend>
        <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="stream-from" checked={from === 'beginning'} onChange={() => setFrom('beginning')} className="accent-indigo-600" />
            The beginning <span className="text-zinc-500">(messages already in the source are scored too)</span>
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="stream-from" checked={from === 'now'} onChange={() => setFrom('now')} className="accent-indigo-600" />
            Now <span className="text-zinc-500">(only messages published after binding)</span>
          </label>
        </div>
      </fieldset>
      {problem ? (
        <div className="sm:col-span-2">
          <ProblemAlert heading="The stream was not bound" problem={problem} />
        </div>
      ) : null}
      {created ? (
        <p role="status" className="text-sm text-emerald-800 sm:col-span-2">
          Bound <span className="font-mono">{created.name}</span>: publish to <span className="font-mono break-all">{created.sourceKey}</span>.
        </p>
      ) : null}
      <div className="sm:col-span-2">
        <button type="submit" disabled={saving || endpoints.length === 0} className={buttonClasses('primary')}>
          {saving ? 'Binding…' : 'Bind stream'}
        </button>
      </div>
    </form>
  );
}
