'use client';

import type { ModelDetail, Problem } from '@modelgate/contracts';
import { useEffect, useState } from 'react';
import { callApi, PROXY_BASE } from '@/lib/browser-api';

/** A version that can be sent traffic (or shadow copies): validated, not archived. */
export interface DeployableVersion {
  model: string;
  version: number;
  /** `v3 — retrained on October data`, for a select. */
  label: string;
}

export type DeployableVersions = { status: 'loading' } | { status: 'loaded'; versions: DeployableVersion[] } | { status: 'failed'; problem: Problem };

/** The model's ready, unarchived versions, newest first, asked again when the model changes. */
export function useDeployableVersions(model: string): DeployableVersions {
  const [state, setState] = useState<DeployableVersions>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    callApi<ModelDetail>('GET', `${PROXY_BASE}/models/${encodeURIComponent(model)}`).then((result) => {
      if (!current) return;
      if (!result.ok) {
        setState({ status: 'failed', problem: result.problem });
        return;
      }
      const versions = result.data.versions
        .filter((candidate) => candidate.status === 'ready' && !candidate.archivedAt)
        .sort((a, b) => b.version - a.version)
        .map((candidate) => ({
          model: candidate.model,
          version: candidate.version,
          label: `v${candidate.version}${candidate.metadata.description ? ` — ${candidate.metadata.description.slice(0, 60)}` : ''}`,
        }));
      setState({ status: 'loaded', versions });
    });
    return () => {
      current = false;
    };
  }, [model]);
  return state;
}

/** The loaded versions other than those `excluded` (`model@version` keys), or none while loading. */
export function versionsExcept(state: DeployableVersions, excluded: ReadonlySet<string>): DeployableVersion[] {
  if (state.status !== 'loaded') return [];
  return state.versions.filter((candidate) => !excluded.has(versionKey(candidate)));
}

export function versionKey(target: { model: string; version: number }): string {
  return `${target.model}@${target.version}`;
}

/** A model and one of its deployable versions being chosen in a form. */
export interface VersionChoice {
  model: string;
  setModel: (model: string) => void;
  versions: DeployableVersions;
  /** The versions offered: deployable, minus the excluded ones. */
  choices: DeployableVersion[];
  /** The chosen version while it is still offered, else the newest one that is. */
  version: number | undefined;
  setChosen: (version: number) => void;
}

/** The state behind a model + version picker: versions reload with the model; `excluded` (`model@version` keys) are never offered. */
export function useVersionChoice(initialModel: string, excluded: ReadonlySet<string>): VersionChoice {
  const [model, setModel] = useState(initialModel);
  const versions = useDeployableVersions(model);
  const [chosen, setChosen] = useState<number>();
  const choices = versionsExcept(versions, excluded);
  const version = choices.some((choice) => choice.version === chosen) ? chosen : choices[0]?.version;
  return { model, setModel, versions, choices, version, setChosen };
}
