'use client';

import { type BatchFileFormat, type BatchJob, BatchJobSpec, type ModelDetail } from '@modelgate/contracts';
import Link from 'next/link';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { FileDropZone } from '@/components/file-drop-zone';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { UploadActions } from '@/components/upload-actions';
import { UploadProgress } from '@/components/upload-progress';
import { useMultipartUpload } from '@/components/use-multipart-upload';
import { callApi, PROXY_BASE } from '@/lib/browser-api';
import { formatCount } from '@/lib/metrics-format';
import { targetLabel } from './batch-job-display';
import { parseMappingText } from './batch-mapping-text';
import { useBatchJobsLive } from './batch-jobs-live';

type TargetKind = 'endpoint' | 'pinned';
type FormatChoice = 'auto' | BatchFileFormat;
type FieldName = 'file' | 'endpoint' | 'model' | 'version' | 'mapping' | 'chunkSize' | 'errorBudget';
type FieldErrors = Partial<Record<FieldName, string>>;

/** The contract's bounds and defaults, so the form starts where the API would and refuses what it would. */
const CHUNK_SIZE = BatchJobSpec.shape.chunkSize.unwrap();
const CHUNK_MIN = CHUNK_SIZE.minValue ?? 1;
const CHUNK_MAX = CHUNK_SIZE.maxValue ?? Number.MAX_SAFE_INTEGER;
const DEFAULTS = BatchJobSpec.parse({ endpoint: 'defaults' });
const DEFAULT_ERROR_BUDGET_PERCENT = Number((DEFAULTS.errorBudget * 100).toFixed(4));

const FILE_FORMATS = /\.(csv|jsonl|ndjson)$/i;

interface SubmitBatchJobFormProps {
  endpoints: string[];
  models: string[];
}

/**
 * A batch file sent with its real upload progress, then checked by the API (every row counted, a
 * malformed line refused with its number) before its chunks are queued. Where the rows go: an
 * endpoint (its routing picks each row's version) or one pinned version.
 */
export function SubmitBatchJobForm({ endpoints, models }: SubmitBatchJobFormProps) {
  const { askAgain } = useBatchJobsLive();
  const { state, start, cancel, reset } = useMultipartUpload<BatchJob>();
  const [file, setFile] = useState<File | null>(null);
  const [targetKind, setTargetKind] = useState<TargetKind>(endpoints.length > 0 ? 'endpoint' : 'pinned');
  const [endpoint, setEndpoint] = useState(endpoints[0] ?? '');
  const [model, setModel] = useState(models[0] ?? '');
  /** The chosen model's versions ready to score with, or why they could not be read. */
  const [versions, setVersions] = useState<{ for: string; numbers: number[]; unreadable?: string } | undefined>();
  const [version, setVersion] = useState('');
  const [mappingText, setMappingText] = useState('');
  const [format, setFormat] = useState<FormatChoice>('auto');
  // Empty: the API chooses the chunk size once it has counted the file.
  const [chunkSize, setChunkSize] = useState('');
  const [errorBudget, setErrorBudget] = useState(String(DEFAULT_ERROR_BUDGET_PERCENT));
  const [errors, setErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);

  const busy = state.phase === 'uploading' || state.phase === 'processing';

  // The versions a pinned job may use: those of the chosen model that are ready and not archived.
  useEffect(() => {
    if (targetKind !== 'pinned' || model === '') return;
    let current = true;
    void callApi<ModelDetail>('GET', `${PROXY_BASE}/models/${encodeURIComponent(model)}`).then((result) => {
      if (!current) return;
      const numbers = result.ok ? result.data.versions.filter((item) => item.status === 'ready' && !item.archivedAt).map((item) => item.version) : [];
      setVersions({ for: model, numbers, ...(result.ok ? {} : { unreadable: result.problem.detail || result.problem.title }) });
      setVersion((chosen) => (numbers.includes(Number(chosen)) ? chosen : String(numbers[0] ?? '')));
    });
    return () => {
      current = false;
    };
  }, [targetKind, model]);

  // Submitted: the list shows the new job (and its progress) at once.
  const submittedId = state.phase === 'done' ? state.data.id : undefined;
  useEffect(() => {
    if (submittedId) askAgain();
  }, [submittedId, askAgain]);

  function chooseFile(next: File) {
    setFile(next);
    setErrors((current) => ({ ...current, file: undefined }));
    if (state.phase !== 'idle') reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const mapping = parseMappingText(mappingText);
    const chunk = Number(chunkSize);
    const budgetPercent = Number(errorBudget);
    const found: FieldErrors = {
      file: file ? undefined : 'Choose or drop the CSV or JSONL file to score',
      endpoint: targetKind === 'endpoint' && endpoint === '' ? 'Choose the endpoint whose routing scores the rows' : undefined,
      model: targetKind === 'pinned' && model === '' ? 'Choose a model' : undefined,
      version: targetKind === 'pinned' && model !== '' && version === '' ? 'Choose a version of the model (ready, not archived)' : undefined,
      mapping: mapping.error,
      chunkSize:
        chunkSize.trim() === '' || (/^\d+$/.test(chunkSize.trim()) && chunk >= CHUNK_MIN && chunk <= CHUNK_MAX)
          ? undefined
          : `A whole number of rows from ${formatCount(CHUNK_MIN)} to ${formatCount(CHUNK_MAX)}, or empty to let Modelgate choose`,
      errorBudget: errorBudget.trim() !== '' && Number.isFinite(budgetPercent) && budgetPercent >= 0 && budgetPercent <= 100 ? undefined : 'A percent from 0 to 100',
    };
    setErrors(found);
    const firstInvalid = (Object.keys(found) as FieldName[]).find((name) => found[name]);
    if (firstInvalid) {
      const selector = firstInvalid === 'file' ? '[role="group"] button' : `#batch-${firstInvalid}`;
      form.current?.querySelector<HTMLElement>(selector)?.focus();
      return;
    }
    if (!file) return;
    const spec: BatchJobSpec = {
      ...(targetKind === 'endpoint' ? { endpoint } : { model, version: Number(version) }),
      ...(format === 'auto' ? {} : { format }),
      ...(mapping.mapping ? { mapping: mapping.mapping } : {}),
      ...(chunkSize.trim() === '' ? {} : { chunkSize: chunk }),
      // A percent on screen, a share in the API; rounded so 0.1 % stays 0.001, not 0.0010000000000000002.
      errorBudget: Number((budgetPercent / 100).toFixed(6)),
    };
    const body = new FormData();
    // The API reads the spec first: a wrong target or mapping is refused before the file's bytes.
    body.append('spec', JSON.stringify(spec));
    body.append('file', file, file.name);
    start({ url: `${PROXY_BASE}/batch-jobs`, form: body, fileSize: file.size });
  }

  return (
    <form ref={form} onSubmit={submit} noValidate aria-label="Submit a batch file" className="grid max-w-3xl gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6">
      <fieldset disabled={busy} className="grid min-w-0 gap-5">
        <FileDropZone
          label="Batch file"
          emptyTitle="Drop a CSV or JSONL file here"
          emptyHint="CSV: a header line, then one row per line. JSONL: one JSON object per line. Sent as it is read, never held whole in memory."
          warningFor={(chosen) =>
            format === 'auto' && !FILE_FORMATS.test(chosen.name) ? 'This name does not end in .csv or .jsonl: choose its format below, or the API cannot tell how to read it.' : undefined
          }
          file={file}
          onFile={chooseFile}
          disabled={busy}
          error={errors.file}
        />

        <fieldset className="min-w-0">
          <legend className="text-sm font-medium text-zinc-800">Score with</legend>
          <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="batch-target" checked={targetKind === 'endpoint'} onChange={() => setTargetKind('endpoint')} className="accent-indigo-600" />
              An endpoint <span className="text-zinc-500">(its routing picks each row’s version)</span>
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="batch-target" checked={targetKind === 'pinned'} onChange={() => setTargetKind('pinned')} className="accent-indigo-600" />
              A pinned version
            </label>
          </div>
        </fieldset>

        {targetKind === 'endpoint' ? (
          <Field id="batch-endpoint" label="Endpoint" error={errors.endpoint} hint={endpoints.length === 0 ? 'No endpoint exists yet: pin a version instead.' : undefined}>
            <select
              id="batch-endpoint"
              value={endpoint}
              onChange={(event) => setEndpoint(event.target.value)}
              className={inputClasses(Boolean(errors.endpoint), 'font-mono')}
              {...fieldAria('batch-endpoint', endpoints.length === 0, errors.endpoint)}
            >
              {endpoints.length === 0 ? <option value="">—</option> : null}
              {endpoints.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <div className="grid gap-5 sm:grid-cols-2">
            <Field id="batch-model" label="Model" error={errors.model}>
              <select
                id="batch-model"
                value={model}
                onChange={(event) => setModel(event.target.value)}
                className={inputClasses(Boolean(errors.model), 'font-mono')}
                {...fieldAria('batch-model', false, errors.model)}
              >
                {models.length === 0 ? <option value="">—</option> : null}
                {models.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="batch-version"
              label="Version"
              error={errors.version}
              hint={
                versions?.for !== model || versions.numbers.length > 0
                  ? undefined
                  : versions.unreadable
                    ? `Its versions could not be read: ${versions.unreadable}`
                    : 'This model has no version ready to score with.'
              }
            >
              <select
                id="batch-version"
                value={version}
                onChange={(event) => setVersion(event.target.value)}
                className={inputClasses(Boolean(errors.version), 'tabular-nums')}
                {...fieldAria('batch-version', versions?.for === model && versions.numbers.length === 0, errors.version)}
              >
                {versions?.for === model && versions.numbers.length > 0 ? null : <option value="">—</option>}
                {(versions?.for === model ? versions.numbers : []).map((number) => (
                  <option key={number} value={number}>
                    v{number}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        )}

        <Field
          id="batch-mapping"
          label="Column mapping"
          optional
          error={errors.mapping}
          hint={
            <>
              One input per line: <code className="font-mono">x=a,b,c</code> (several columns, one number each, in order) or{' '}
              <code className="font-mono">features=payload</code> (one column holding a JSON value). Left empty, each input takes the column named after it, and a
              model with a single vector input takes every column in order.
            </>
          }
        >
          <textarea
            id="batch-mapping"
            rows={2}
            value={mappingText}
            onChange={(event) => setMappingText(event.target.value)}
            spellCheck={false}
            placeholder="x=a,b,c"
            className={inputClasses(Boolean(errors.mapping), 'font-mono')}
            {...fieldAria('batch-mapping', true, errors.mapping)}
          />
        </Field>

        <div className="grid gap-5 sm:grid-cols-3">
          <Field id="batch-chunkSize" label="Chunk size (rows)" error={errors.chunkSize} hint="Rows per worker job; chunks run in parallel. Empty: chosen for the file (1,000 to 10,000).">
            <input
              id="batch-chunkSize"
              type="number"
              inputMode="numeric"
              min={CHUNK_MIN}
              max={CHUNK_MAX}
              placeholder="automatic"
              value={chunkSize}
              onChange={(event) => setChunkSize(event.target.value)}
              className={inputClasses(Boolean(errors.chunkSize), 'tabular-nums')}
              {...fieldAria('batch-chunkSize', true, errors.chunkSize)}
            />
          </Field>
          <Field id="batch-errorBudget" label="Error budget (%)" error={errors.errorBudget} hint="Failed rows allowed before the job stops as failed; 0 stops at the first.">
            <input
              id="batch-errorBudget"
              type="number"
              inputMode="decimal"
              min={0}
              max={100}
              step="any"
              value={errorBudget}
              onChange={(event) => setErrorBudget(event.target.value)}
              className={inputClasses(Boolean(errors.errorBudget), 'tabular-nums')}
              {...fieldAria('batch-errorBudget', true, errors.errorBudget)}
            />
          </Field>
          <Field id="batch-format" label="Format" hint="Auto: from the file name.">
            <select id="batch-format" value={format} onChange={(event) => setFormat(event.target.value as FormatChoice)} className={inputClasses(false)} {...fieldAria('batch-format', true, undefined)}>
              <option value="auto">Auto</option>
              <option value="csv">CSV</option>
              <option value="jsonl">JSONL</option>
            </select>
          </Field>
        </div>
      </fieldset>

      <UploadActions phase={state.phase} busy={busy} submitLabel="Submit batch job" cancelledNote="No job was created." onCancel={cancel} />

      {state.phase === 'uploading' || state.phase === 'processing' || state.phase === 'done' ? (
        <UploadProgress
          stage={state.phase === 'uploading' ? 'sending' : state.phase}
          loaded={state.phase === 'uploading' ? state.loaded : state.total}
          total={state.total}
          fileName={file?.name ?? 'the file'}
          processingLabel="Checking the file and counting its rows…"
          processingNote="Every byte has arrived. The API reads the file once, counting its rows and refusing a malformed line by its number, then queues its chunks."
        />
      ) : null}

      {state.phase === 'done' ? (
        <p role="status" className="text-sm text-emerald-800">
          Submitted: {state.data.fileName}, {formatCount(state.data.progress.totalRows)} rows → {targetLabel(state.data.target)}.{' '}
          <Link href={`/batch-jobs/${encodeURIComponent(state.data.id)}`} className="font-medium text-indigo-700 hover:underline">
            Follow the job
          </Link>{' '}
          or watch it in the list.
        </p>
      ) : null}
      {state.phase === 'failed' ? <ProblemAlert heading="The batch file was not accepted" problem={state.problem} /> : null}
    </form>
  );
}
