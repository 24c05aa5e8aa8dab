import type { ReactNode } from 'react';

interface PageHeaderProps {
  /** A short label above the title saying what kind of thing the page shows ("Model"). */
  eyebrow?: ReactNode;
  /** The page subject: the page's only h1. */
  title: ReactNode;
  description?: ReactNode;
  /** Facts shown beside the title (badges, counts). */
  children?: ReactNode;
  /** What can be done with the page subject (buttons, links), at the right of the title. */
  actions?: ReactNode;
}

export function PageHeader({ eyebrow, title, description, children, actions }: PageHeaderProps) {
  return (
    <header className="mb-8 flex flex-col gap-3 border-b border-zinc-200 pb-6">
      {eyebrow ? <div className="text-sm font-medium text-zinc-500">{eyebrow}</div> : null}
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950 sm:text-3xl">{title}</h1>
        {children}
        {actions ? <div className="flex flex-wrap items-center gap-2 sm:ml-auto">{actions}</div> : null}
      </div>
      {description ? <p className="max-w-3xl text-zinc-600">{description}</p> : null}
    </header>
  );
}
