import Form from 'next/form';
import type { ReactNode } from 'react';
import { buttonClasses } from '@/components/button';
import { inputClasses } from '@/components/form-field';
import type { AuditFilters } from './audit-filters';

/**
 * A plain GET form: the filters live in the address, so a filtered view can be shared and
 * reloaded, and it works before the page's scripts have loaded. The fields are uncontrolled and
 * keep what was typed, which after "Apply" is what the address says.
 */
export function AuditFilterForm({ filters, actions }: { filters: AuditFilters; actions: string[] }) {
  return (
    <Form
      action="/audit"
      aria-label="Filter the audit log"
      className="mb-6 grid gap-4 rounded-xl border border-zinc-200 bg-white p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-4"
    >
      <Filter id="audit-action" label="Action">
        <select id="audit-action" name="action" defaultValue={filters.action} className={inputClasses(false)}>
          <option value="">Any action</option>
          {actions.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </Filter>
      <Filter id="audit-actor" label="Actor">
        <input id="audit-actor" name="actor" type="search" defaultValue={filters.actor} placeholder="email or key name" className={inputClasses(false)} />
      </Filter>
      <Filter id="audit-target" label="Target">
        <input id="audit-target" name="target" type="search" defaultValue={filters.target} placeholder="endpoint, model, user…" className={inputClasses(false)} />
      </Filter>
      <Filter id="audit-outcome" label="Outcome">
        <select id="audit-outcome" name="outcome" defaultValue={filters.outcome} className={inputClasses(false)}>
          <option value="">Any outcome</option>
          <option value="success">success</option>
          <option value="denied">denied</option>
          <option value="throttled">throttled</option>
        </select>
      </Filter>
      <Filter id="audit-from" label="From (UTC)">
        <input id="audit-from" name="from" type="date" defaultValue={filters.from} className={inputClasses(false)} />
      </Filter>
      <Filter id="audit-to" label="To (UTC, included)">
        <input id="audit-to" name="to" type="date" defaultValue={filters.to} className={inputClasses(false)} />
      </Filter>
      <div className="flex items-end gap-2 lg:col-span-2">
        <button type="submit" className={buttonClasses('primary')}>
          Apply filters
        </button>
        {/* A full load, not a client navigation: the uncontrolled fields start empty again. */}
        <a href="/audit" className={buttonClasses('secondary')}>
          Clear
        </a>
      </div>
    </Form>
  );
}

function Filter({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <div className="mt-1.5">{children}</div>
    </div>
  );
}
