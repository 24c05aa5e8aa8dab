import { Action } from '@modelgate/contracts';
import Link from 'next/link';
import { decideFor } from '@/lib/caller';
import { webConfig } from '@/lib/config';
import type { Session } from '@/lib/session';
import { type NavSection, SidebarLinks } from './sidebar-links';
import { SignedInUser } from './signed-in-user';

export function Sidebar({ session }: { session: Session }) {
  const { apiUrl } = webConfig();
  // Admin pages are left out of the navigation for everyone else rather than shown disabled:
  // they are whole pages, not actions, and each page says who may use it if reached by its address.
  const adminLinks: NavSection['links'] = [
    decideFor(session, Action.manageUsers).allowed ? ('users' as const) : undefined,
    decideFor(session, Action.manageApiKeys).allowed ? ('api-keys' as const) : undefined,
    decideFor(session, Action.readAudit).allowed ? ('audit' as const) : undefined,
  ].filter((link) => link !== undefined);
  const sections: NavSection[] = [
    { label: undefined, links: ['overview', 'models', 'endpoints', 'batch-jobs', 'streams'] },
    ...(adminLinks.length > 0 ? [{ label: 'Admin', links: adminLinks }] : []),
  ];

  return (
    <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-60 md:shrink-0 md:flex-col md:border-r md:border-b-0">
      <div className="flex items-center justify-between gap-4 px-4 py-3 md:px-5 md:py-5">
        <Link href="/" className="flex items-center gap-2 text-base font-semibold tracking-tight text-zinc-950">
          <LogoMark />
          Modelgate
        </Link>
      </div>
      <nav aria-label="Main" className="px-2 pb-2 md:flex-1 md:overflow-y-auto md:px-3">
        <SidebarLinks sections={sections} />
      </nav>
      <SignedInUser name={session.user.name} email={session.user.email} role={session.user.role} />
      <div className="hidden border-t border-zinc-200 px-5 py-4 text-xs text-zinc-500 md:block">
        <p>API</p>
        <p className="mt-0.5 truncate font-mono text-zinc-700" title={apiUrl}>
          {apiUrl}
        </p>
      </div>
    </aside>
  );
}

function LogoMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6">
      <rect width="24" height="24" rx="6" className="fill-indigo-600" />
      <path d="M6 16V8l6 5 6-5v8" fill="none" stroke="white" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
