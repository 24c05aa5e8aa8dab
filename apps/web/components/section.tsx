import type { ReactNode } from 'react';

interface SectionProps {
  /** Used for the heading's id, so the section is a region named by its heading. */
  id: string;
  title: ReactNode;
  description?: ReactNode;
  /** Rendered at the right of the heading (a link, a count). */
  aside?: ReactNode;
  children: ReactNode;
}

export function Section({ id, title, description, aside, children }: SectionProps) {
  const headingId = `${id}-heading`;
  return (
    <section aria-labelledby={headingId} className="mb-10">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
        <div>
          <h2 id={headingId} className="text-lg font-semibold tracking-tight text-zinc-950">
            {title}
          </h2>
          {description ? <p className="mt-1 text-sm text-zinc-600">{description}</p> : null}
        </div>
        {aside ? <div className="text-sm text-zinc-500">{aside}</div> : null}
      </div>
      {children}
    </section>
  );
}

