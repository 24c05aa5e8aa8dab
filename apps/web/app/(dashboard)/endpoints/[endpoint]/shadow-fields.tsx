'use client';

import { type KeyboardEvent, useId, useState } from 'react';
import { buttonClasses } from '@/components/button';
import { inputClasses } from '@/components/form-field';
import { ProblemAlert } from '@/components/problem-alert';
import { versionLabel } from './metrics-series';
import { useVersionChoice, versionKey } from './use-deployable-versions';

/** A shadow as the form edits it: the percent as typed, checked with `shadowPercentError`. */
export interface ShadowDraft {
  model: string;
  version: number;
  percentText: string;
}

/** DeployBody takes at most five shadows. */
const MAX_SHADOWS = 5;
const DEFAULT_SHADOW_PERCENT = 20;

export function shadowPercentError(text: string): string | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= 1 && value <= 100 ? undefined : 'A whole number from 1 to 100';
}

interface ShadowFieldsProps {
  models: string[];
  /** The model the "add" row starts on (the primary's). */
  defaultModel: string;
  shadows: ShadowDraft[];
  onChange: (next: ShadowDraft[]) => void;
  /** `model@version` keys of the versions the proposed split routes to: they cannot also be shadows. */
  routed: ReadonlySet<string>;
}

/**
 * The shadows of a deploy: versions that get a copy of a share of requests after the caller was
 * answered, their answers compared with the caller's and never returned. Each can be given
 * another share or removed; new ones are added from any model's deployable versions.
 */
export function ShadowFields({ models, defaultModel, shadows, onChange, routed }: ShadowFieldsProps) {
  const taken = new Set([...routed, ...shadows.map(versionKey)]);
  const { model, setModel, versions, choices, version, setChosen } = useVersionChoice(defaultModel, taken);
  const [percentText, setPercentText] = useState(String(DEFAULT_SHADOW_PERCENT));
  const [addError, setAddError] = useState<string>();
  const hintId = useId();
  const addPercentId = useId();

  const full = shadows.length >= MAX_SHADOWS;

  function update(index: number, text: string) {
    onChange(shadows.map((shadow, at) => (at === index ? { ...shadow, percentText: text } : shadow)));
  }

  function add() {
    if (version === undefined || full) return;
    const error = shadowPercentError(percentText);
    setAddError(error);
    if (error) return;
    onChange([...shadows, { model, version, percentText }]);
    setPercentText(String(DEFAULT_SHADOW_PERCENT));
  }

  function addOnEnter(event: KeyboardEvent<HTMLInputElement>) {
    // Enter here adds the shadow rather than deploying the whole form.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  }

  return (
    <fieldset aria-describedby={hintId} className="grid gap-3">
      <legend className="mb-1 text-sm font-medium text-zinc-800">
        Shadows <span className="font-normal text-zinc-500">(optional)</span>
      </legend>
      <p id={hintId} className="text-xs text-zinc-500">
        A shadow gets a copy of a share of requests after the caller was answered; its answers are compared with the caller’s (agreement shows under
        Latency &amp; traffic) and never returned.
      </p>

      {shadows.length > 0 ? (
        <ul aria-label="Shadows to deploy" className="grid gap-2">
          {shadows.map((shadow, index) => {
            const label = versionLabel(shadow);
            const error = shadowPercentError(shadow.percentText);
            const inputId = `shadow-percent-${versionKey(shadow)}`;
            const isRouted = routed.has(versionKey(shadow));
            return (
              <li key={versionKey(shadow)} className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span className={`min-w-40 font-mono text-sm ${isRouted ? 'text-zinc-400 line-through' : 'text-zinc-900'}`}>{label}</span>
                <div className="flex items-center gap-1.5">
                  <input
                    id={inputId}
                    type="number"
                    min={1}
                    max={100}
                    step={1}
                    value={shadow.percentText}
                    disabled={isRouted}
                    onChange={(event) => update(index, event.target.value)}
                    aria-label={`Share of requests copied to ${label} (%)`}
                    aria-invalid={error && !isRouted ? true : undefined}
                    aria-describedby={error && !isRouted ? `${inputId}-error` : undefined}
                    className={inputClasses(Boolean(error) && !isRouted, 'w-20 tabular-nums')}
                  />
                  <span className="text-sm text-zinc-500">%</span>
                </div>
                <button
                  type="button"
                  onClick={() => onChange(shadows.filter((_, at) => at !== index))}
                  className={buttonClasses('secondary', 'py-1 text-xs')}
                >
                  Remove<span className="sr-only"> shadow {label}</span>
                </button>
                {isRouted ? <span className="w-full text-xs text-zinc-500">Gets live traffic in this split, so it is not shadowed.</span> : null}
                {error && !isRouted ? (
                  <span id={`${inputId}-error`} className="w-full text-sm text-red-700">
                    {error}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="text-sm text-zinc-500">No shadows: nothing gets a copy of the traffic.</p>
      )}

      {full ? (
        <p className="text-xs text-zinc-500">At most {MAX_SHADOWS} shadows: remove one to add another.</p>
      ) : (
        <div role="group" aria-label="Add a shadow" className="flex flex-wrap items-end gap-3 rounded-lg border border-dashed border-zinc-300 p-3">
          <label className="grid gap-1 text-xs font-medium text-zinc-700">
            Shadow model
            <select value={model} onChange={(event) => setModel(event.target.value)} className={inputClasses(false, 'font-mono')}>
              {models.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label className="grid gap-1 text-xs font-medium text-zinc-700">
            Shadow version
            <select
              value={version ?? ''}
              disabled={choices.length === 0}
              onChange={(event) => setChosen(Number(event.target.value))}
              className={inputClasses(false, 'font-mono')}
            >
              {versions.status === 'loading' ? <option value="">Loading versions…</option> : null}
              {versions.status === 'loaded' && choices.length === 0 ? <option value="">No other deployable version</option> : null}
              {choices.map((choice) => (
                <option key={choice.version} value={choice.version}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          <div className="grid gap-1">
            <label htmlFor={addPercentId} className="text-xs font-medium text-zinc-700">
              Copy of requests (%)
            </label>
            <input
              id={addPercentId}
              type="number"
              min={1}
              max={100}
              step={1}
              value={percentText}
              onChange={(event) => setPercentText(event.target.value)}
              onKeyDown={addOnEnter}
              aria-invalid={addError ? true : undefined}
              aria-describedby={addError ? `${addPercentId}-error` : undefined}
              className={inputClasses(Boolean(addError), 'w-24 tabular-nums')}
            />
          </div>
          <button type="button" onClick={add} disabled={version === undefined} className={buttonClasses('secondary')}>
            Add shadow
          </button>
          {addError ? (
            <p id={`${addPercentId}-error`} className="w-full text-sm text-red-700">
              {addError}
            </p>
          ) : null}
          {versions.status === 'failed' ? (
            <div className="w-full">
              <ProblemAlert heading={`The versions of ${model} could not be loaded`} problem={versions.problem} />
            </div>
          ) : null}
        </div>
      )}
    </fieldset>
  );
}
