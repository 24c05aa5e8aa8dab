'use client';

import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { CodeBlock } from './code-block';

export interface CodeTab {
  /** The tab's name ("curl", "TypeScript"). */
  label: string;
  /** Shown above the code. */
  title: string;
  code: string;
  copyLabel: string;
}

/**
 * The same request in several languages, one visible at a time (WAI-ARIA tabs: arrow keys move
 * between tabs, Home/End jump). Without JavaScript the server render shows the first tab.
 */
export function CodeTabs({ tabs, label }: { tabs: CodeTab[]; label: string }) {
  const [selected, setSelected] = useState(0);
  const baseId = useId();
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  function select(index: number) {
    setSelected(index);
    tabRefs.current[index]?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight' ? (selected === last ? 0 : selected + 1)
      : event.key === 'ArrowLeft' ? (selected === 0 ? last : selected - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : undefined;
    if (next === undefined) return;
    event.preventDefault();
    select(next);
  }

  return (
    <div>
      <div role="tablist" aria-label={label} className="mb-2 flex gap-1">
        {tabs.map((tab, index) => (
          <button
            key={tab.label}
            ref={(element) => {
              tabRefs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${index}`}
            aria-selected={index === selected}
            aria-controls={`${baseId}-panel-${index}`}
            tabIndex={index === selected ? 0 : -1}
            onClick={() => select(index)}
            onKeyDown={onKeyDown}
            className={`rounded-md px-3 py-1.5 text-sm font-medium transition-colors ${
              index === selected ? 'bg-indigo-50 text-indigo-700' : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900'
            }`}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab, index) => (
        <div
          key={tab.label}
          role="tabpanel"
          id={`${baseId}-panel-${index}`}
          aria-labelledby={`${baseId}-tab-${index}`}
          hidden={index !== selected}
        >
          <CodeBlock title={tab.title} code={tab.code} copyLabel={tab.copyLabel} />
        </div>
      ))}
    </div>
  );
}
