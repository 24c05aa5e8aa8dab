import Link from 'next/link';
import { webConfig } from '@/lib/config';
import { SidebarLinks } from './sidebar-links';

export function Sidebar() {
  const { apiUrl } = webConfig();
  return (
    <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-60 md:shrink-0 md:flex-col md:border-r md:border-b-0">
      <div className="flex items-center justify-between gap-4 px-4 py-3 md:px-5 md:py-5">
        <Link href="/" className="flex items-center gap-2 text-base font-semibold tracking-tight text-zinc-950">
          <LogoMark />
          Modelgate
        </Link>
      </div>
      <nav aria-label="Main" className="px-2 pb-2 md:flex-1 md:px-3">
        <SidebarLinks />
      </nav>
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
