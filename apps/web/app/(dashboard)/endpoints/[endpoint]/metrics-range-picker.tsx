'use client';

import type { MetricsRange } from '@modelgate/contracts';
import { useId } from 'react';
import { METRICS_RANGE_LABELS, METRICS_RANGES } from '@/lib/metrics-range';

/**
 * The range the charts cover, as a segmented control. Underneath it is a group of native radio
 * buttons, so it needs no script to be accessible: Tab reaches the chosen range, the arrow keys
 * move between ranges, and a screen reader announces "Time range, radio group, 2 of 4".
 */
export function MetricsRangePicker({ value, onChange }: { value: MetricsRange; onChange: (range: MetricsRange) => void }) {
  const name = useId();
  return (
    <fieldset>
      <legend className="sr-only">Time range</legend>
      <div className="inline-flex rounded-lg border border-zinc-300 bg-white p-0.5 shadow-xs">
        {METRICS_RANGES.map((range) => (
          <label key={range} className="relative">
            <input
              type="radio"
              name={name}
              value={range}
              checked={range === value}
              onChange={() => onChange(range)}
              // Transparent over its label rather than visually hidden: the input itself takes the click.
              className="peer absolute inset-0 cursor-pointer appearance-none opacity-0"
            />
            <span className="block rounded-md px-3 py-1 text-sm font-medium whitespace-nowrap text-zinc-600 transition-colors peer-checked:bg-indigo-600 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-500 hover:text-zinc-900 peer-checked:hover:text-white">
              {METRICS_RANGE_LABELS[range].picker}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
