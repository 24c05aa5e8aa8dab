'use client';

import { type FormEvent, useMemo, useRef, useState } from 'react';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { UploadActions } from '@/components/upload-actions';
import { MODEL_NAME_RULE, modelNameProblem, suggestModelName } from '@/lib/model-name';
import { parseTags, tagsProblem } from '@/lib/tags';
import { DropZone } from './drop-zone';
import { UploadProgress } from './upload-progress';
import { UploadResult } from './upload-result';
import { useUpload } from './use-upload';

/** A model that already exists: uploading to its name adds a version instead of a new model. */
export interface ExistingModel {
  name: string;
  latestVersion: number | null;
}

interface UploadFormProps {
  initialModel: string;
  /** contracts' SLUG_PATTERN, as its source, and RESERVED_MODEL_NAMES. */
  namePattern: string;
  reservedNames: string[];
  /** Undefined when the API could not list them: the hint is then left out. */
  existingModels: ExistingModel[] | undefined;
}

type FieldErrors = Partial<Record<'name' | 'tags' | 'file', string>>;

export function UploadForm({ initialModel, namePattern, reservedNames, existingModels }: UploadFormProps) {
  const rule = useMemo(() => ({ pattern: new RegExp(namePattern), reserved: reservedNames }), [namePattern, reservedNames]);
  const [name, setName] = useState(initialModel);
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const { state, start, cancel, reset } = useUpload();
  const form = useRef<HTMLFormElement>(null);

  const busy = state.phase === 'uploading' || state.phase === 'validating';
  // Checked as you type; an empty field only complains once the form is sent.
  const nameError = name === '' && !errors.name ? undefined : modelNameProblem(name, rule);
  const suggestion = nameError ? suggestModelName(name, rule) : undefined;
  const existing = existingModels?.find((model) => model.name === name);

  function chooseFile(next: File) {
    setFile(next);
    setErrors((current) => ({ ...current, file: undefined }));
    // A new file starts a new attempt: the previous answer no longer describes what is on screen.
    if (state.phase !== 'idle') reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const tagList = parseTags(tags);
    const found: FieldErrors = {
      name: modelNameProblem(name, rule),
      tags: tagsProblem(tagList),
      file: file ? undefined : 'Choose or drop the model file to upload',
    };
    setErrors(found);
    const firstInvalid = (['name', 'tags', 'file'] as const).find((field) => found[field]);
    if (firstInvalid) {
      // The drop zone's button stands for the file field.
      const selector = firstInvalid === 'file' ? '[role="group"] button' : `#upload-${firstInvalid}`;
      form.current?.querySelector<HTMLElement>(selector)?.focus();
      return;
    }
    if (!file) return;
    const metadata: Record<string, unknown> = {};
    if (description.trim()) metadata.description = description.trim();
    if (tagList.length > 0) metadata.tags = tagList;
    start({ model: name, file, metadata: Object.keys(metadata).length > 0 ? metadata : undefined });
  }

  return (
    <div className="grid max-w-3xl gap-6">
      <form ref={form} onSubmit={submit} noValidate aria-label="Upload a model" className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6">
        <fieldset disabled={busy} className="grid gap-5">
          <Field
            id="upload-name"
            label="Model name"
            hint={nameError ? undefined : nameHint(name, existing)}
            error={nameError}
          >
            <input
              id="upload-name"
              type="text"
              value={name}
              onChange={(event) => setName(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              placeholder="fraud-detector"
              className={inputClasses(Boolean(nameError), 'font-mono')}
              {...fieldAria('upload-name', !nameError, nameError)}
            />
          </Field>
          {suggestion ? (
            <p className="-mt-3 text-sm text-zinc-600">
              <button
                type="button"
                onClick={() => setName(suggestion)}
                className="font-medium text-indigo-700 underline-offset-2 hover:underline"
              >
                Use “{suggestion}”
              </button>
            </p>
          ) : null}

          <Field id="upload-description" label="Description" optional>
            <textarea
              id="upload-description"
              rows={2}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              placeholder="What the model does, what it was trained on"
              className={inputClasses(false)}
            />
          </Field>

          <Field id="upload-tags" label="Tags" optional hint="Comma-separated, e.g. baseline, fp32" error={errors.tags}>
            <input
              id="upload-tags"
              type="text"
              value={tags}
              onChange={(event) => setTags(event.target.value)}
              autoComplete="off"
              className={inputClasses(Boolean(errors.tags))}
              {...fieldAria('upload-tags', true, errors.tags)}
            />
          </Field>

          <DropZone file={file} onFile={chooseFile} disabled={busy} error={errors.file} />
        </fieldset>

        <UploadActions phase={state.phase} busy={busy} submitLabel="Upload" cancelledNote="Nothing was stored." onCancel={cancel} />

        {state.phase === 'uploading' || state.phase === 'validating' || state.phase === 'done' ? (
          <UploadProgress
            stage={state.phase === 'uploading' ? 'sending' : state.phase === 'validating' ? 'validating' : 'done'}
            loaded={state.phase === 'uploading' ? state.loaded : state.total}
            total={state.total}
            fileName={file?.name ?? 'the file'}
          />
        ) : null}

        {state.phase === 'failed' ? <ProblemAlert heading="Upload failed" problem={state.problem} /> : null}
      </form>

      {state.phase === 'done' ? (
        <UploadResult
          version={state.version}
          created={state.created}
          onUploadAnother={() => {
            reset();
            setFile(null);
          }}
        />
      ) : null}
    </div>
  );
}

function nameHint(name: string, existing: ExistingModel | undefined): string {
  if (name === '') return `Model names are ${MODEL_NAME_RULE}.`;
  if (existing) {
    return existing.latestVersion === null
      ? `${name} exists: this upload adds a version to it.`
      : `${name} exists (latest v${existing.latestVersion}): this upload adds a new version.`;
  }
  return `A new model named ${name} is created with this upload.`;
}
