'use client';

import { Action, type ModelVersion, type Problem, type UpdateVersionBody, type VersionMetadata } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, type ReactNode, useEffect, useRef, useState, useTransition } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { NotAllowedButton } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { Section } from '@/components/section';
import { useCan } from '@/components/session-provider';
import { callApi, modelVersionPath } from '@/lib/browser-api';
import { formatRequestJson } from '@/lib/predict-example';
import { parseTags, tagsProblem } from '@/lib/tags';

interface EditDetailsProps {
  model: string;
  version: number;
  metadata: VersionMetadata;
  /** A complete zeros request built from the signature, offered as a starting sample input. */
  signatureExample: string | undefined;
  /** The read-only view of the details, shown while not editing. */
  children: ReactNode;
}

/** The "Details" section: the version's metadata, and a form that PATCHes it in place. */
export function EditDetails({ model, version, metadata, signatureExample, children }: EditDetailsProps) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [, startTransition] = useTransition();
  const editButton = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  const allowed = useCan(Action.manageModels);

  // Back to where the person was once the form has closed and the button is there again.
  useEffect(() => {
    if (editing || !refocus.current) return;
    refocus.current = false;
    editButton.current?.focus();
  }, [editing]);

  function close() {
    refocus.current = true;
    setEditing(false);
  }

  function finishSave() {
    // One transition: the form closes together with the refreshed server data, never before it.
    startTransition(() => {
      router.refresh();
      setSaved(true);
      close();
    });
  }

  return (
    <Section
      id="details"
      title="Details"
      description="Free metadata attached to this version. The artifact itself never changes."
      aside={
        editing ? null : !allowed.allowed ? (
          <NotAllowedButton label="Edit details" reason={allowed.reason} align="end" />
        ) : (
          <button
            ref={editButton}
            type="button"
            className={buttonClasses('secondary')}
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            Edit details
          </button>
        )
      }
    >
      {editing ? (
        <DetailsForm
          model={model}
          version={version}
          metadata={metadata}
          signatureExample={signatureExample}
          onSaved={finishSave}
          onCancel={close}
        />
      ) : (
        <>
          {saved ? (
            <p role="status" className="mb-3 text-sm text-emerald-700">
              Details saved.
            </p>
          ) : null}
          {children}
        </>
      )}
    </Section>
  );
}

type FieldName = 'description' | 'tags' | 'metrics' | 'sampleInput';
type FieldErrors = Partial<Record<FieldName, string>>;

interface DetailsFormProps extends Omit<EditDetailsProps, 'children'> {
  onSaved: () => void;
  onCancel: () => void;
}

function DetailsForm({ model, version, metadata, signatureExample, onSaved, onCancel }: DetailsFormProps) {
  const initial = {
    description: metadata.description ?? '',
    tags: (metadata.tags ?? []).join(', '),
    metrics: metadata.metrics ? JSON.stringify(metadata.metrics, null, 2) : '',
    sampleInput: metadata.sampleInput ? formatRequestJson(metadata.sampleInput) : '',
  };
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const set = (field: FieldName) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setNotice(undefined);
    const { body, errors: found } = buildPatch(values, metadata);
    setErrors(found);
    const firstInvalid = (Object.keys(found) as FieldName[])[0];
    if (firstInvalid) {
      form.current?.querySelector<HTMLElement>(`#details-${firstInvalid}`)?.focus();
      return;
    }
    if (Object.keys(body).length === 0) {
      setNotice('Nothing changed.');
      return;
    }
    setSaving(true);
    const result = await callApi<ModelVersion>('PATCH', modelVersionPath(model, version), body);
    if (!result.ok) {
      setSaving(false);
      setProblem(result.problem);
      return;
    }
    onSaved();
  }

  return (
    <form
      ref={form}
      onSubmit={submit}
      noValidate
      aria-label={`Edit details of ${model} v${version}`}
      className="grid gap-5 rounded-xl border border-zinc-200 bg-white px-5 py-5 shadow-xs"
    >
      <Field id="details-description" label="Description" optional error={errors.description}>
        <textarea
          id="details-description"
          rows={3}
          value={values.description}
          onChange={set('description')}
          className={inputClasses(Boolean(errors.description))}
          {...fieldAria('details-description', false, errors.description)}
        />
      </Field>
      <Field id="details-tags" label="Tags" optional hint="Comma-separated, e.g. baseline, fp32" error={errors.tags}>
        <input
          id="details-tags"
          type="text"
          value={values.tags}
          onChange={set('tags')}
          autoComplete="off"
          className={inputClasses(Boolean(errors.tags))}
          {...fieldAria('details-tags', true, errors.tags)}
        />
      </Field>
      <Field
        id="details-metrics"
        label="Metrics"
        optional
        hint={
          <>
            A JSON object, e.g. <code className="font-mono">{'{"accuracy": 0.97, "f1": 0.95}'}</code>
          </>
        }
        error={errors.metrics}
      >
        <textarea
          id="details-metrics"
          rows={4}
          value={values.metrics}
          onChange={set('metrics')}
          spellCheck={false}
          className={inputClasses(Boolean(errors.metrics), 'font-mono text-[13px]')}
          {...fieldAria('details-metrics', true, errors.metrics)}
        />
      </Field>
      <Field
        id="details-sampleInput"
        label="Sample input"
        optional
        hint={
          <>
            A predict request body, <code className="font-mono">{'{"inputs": {…}}'}</code>, checked against the signature.
            The “Try it” request uses it.
            {signatureExample && !values.sampleInput.trim() ? (
              <>
                {' '}
                <button
                  type="button"
                  className="font-medium text-indigo-700 underline-offset-2 hover:underline"
                  onClick={() => setValues((current) => ({ ...current, sampleInput: signatureExample }))}
                >
                  Start from the signature’s zeros
                </button>
              </>
            ) : null}
          </>
        }
        error={errors.sampleInput}
      >
        <textarea
          id="details-sampleInput"
          rows={6}
          value={values.sampleInput}
          onChange={set('sampleInput')}
          spellCheck={false}
          className={inputClasses(Boolean(errors.sampleInput), 'font-mono text-[13px]')}
          {...fieldAria('details-sampleInput', true, errors.sampleInput)}
        />
      </Field>

      {problem ? <ProblemAlert heading="The details were not saved" problem={problem} /> : null}
      {notice ? (
        <p role="status" className="text-sm text-zinc-600">
          {notice}
        </p>
      ) : null}

      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={saving} className={buttonClasses('primary')}>
          {saving ? 'Saving…' : 'Save details'}
        </button>
        <button type="button" onClick={onCancel} className={buttonClasses('secondary')}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type FormValues = Record<FieldName, string>;

/**
 * The PATCH body: only the fields that changed, `null` for one emptied (the API clears it). JSON
 * fields are parsed here so a typo is pointed at before anything is sent.
 */
function buildPatch(values: FormValues, stored: VersionMetadata): { body: UpdateVersionBody; errors: FieldErrors } {
  const body: Record<string, unknown> = {};
  const errors: FieldErrors = {};

  const description = values.description.trim();
  if (description !== (stored.description ?? '')) body.description = description || null;

  const tags = parseTags(values.tags);
  const tagError = tagsProblem(tags);
  if (tagError) errors.tags = tagError;
  else if (JSON.stringify(tags) !== JSON.stringify(stored.tags ?? [])) body.tags = tags.length > 0 ? tags : null;

  const metrics = parseJsonObject(values.metrics, 'Metrics');
  if (metrics.error) errors.metrics = metrics.error;
  else if (!sameJson(metrics.value, stored.metrics)) body.metrics = metrics.value ?? null;

  const sample = parseJsonObject(values.sampleInput, 'The sample input');
  if (sample.error) errors.sampleInput = sample.error;
  else if (sample.value && (typeof sample.value.inputs !== 'object' || sample.value.inputs === null || Array.isArray(sample.value.inputs))) {
    errors.sampleInput = 'Put the tensors under "inputs", as in a predict request: {"inputs": {"<input name>": [[…]]}}';
  } else if (!sameJson(sample.value, stored.sampleInput)) body.sampleInput = sample.value ?? null;

  return { body: body as UpdateVersionBody, errors };
}

function parseJsonObject(text: string, what: string): { value?: Record<string, unknown>; error?: string } {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: `${what} must be a JSON object ({…}), not ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` };
  }
  return { value: value as Record<string, unknown> };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
