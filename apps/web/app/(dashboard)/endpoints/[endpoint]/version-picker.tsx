'use client';

import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import type { VersionChoice } from './use-deployable-versions';

interface VersionPickerProps {
  /** Prefix of the two selects' ids (`<prefix>-model`, `<prefix>-version`). */
  idPrefix: string;
  modelLabel: string;
  versionLabel: string;
  models: string[];
  choice: VersionChoice;
}

/** A model select and a select of its deployable versions, side by side, for the deploy and rollout forms. */
export function VersionPicker({ idPrefix, modelLabel, versionLabel, models, choice }: VersionPickerProps) {
  const { model, setModel, versions, choices, version, setChosen } = choice;
  const noneOffered = versions.status === 'loaded' && choices.length === 0;
  return (
    <>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field id={`${idPrefix}-model`} label={modelLabel}>
          <select id={`${idPrefix}-model`} value={model} onChange={(event) => setModel(event.target.value)} className={inputClasses(false, 'font-mono')}>
            {models.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${idPrefix}-version`} label={versionLabel} hint={noneOffered ? 'No other ready, unarchived version of this model: upload one first.' : undefined}>
          <select
            id={`${idPrefix}-version`}
            value={version ?? ''}
            disabled={choices.length === 0}
            onChange={(event) => setChosen(Number(event.target.value))}
            className={inputClasses(false, 'font-mono')}
            {...fieldAria(`${idPrefix}-version`, noneOffered, undefined)}
          >
            {versions.status === 'loading' ? <option value="">Loading versions…</option> : null}
            {choices.map((offered) => (
              <option key={offered.version} value={offered.version}>
                {offered.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {versions.status === 'failed' ? <ProblemAlert heading={`The versions of ${model} could not be loaded`} problem={versions.problem} /> : null}
    </>
  );
}
