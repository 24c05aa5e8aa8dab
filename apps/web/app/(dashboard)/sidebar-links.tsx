'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

interface NavItem {
  href: string;
  label: string;
  icon: ReactNode;
}

const items = {
  overview: {
    href: '/',
    label: 'Overview',
    icon: <path d="M3 10.5 10 4l7 6.5V17a1 1 0 0 1-1 1h-4v-5H8v5H4a1 1 0 0 1-1-1z" />,
  },
  models: {
    href: '/models',
    label: 'Models',
    icon: <path d="m10 3 7 4v6l-7 4-7-4V7zM3 7l7 4 7-4M10 11v6" />,
  },
  endpoints: {
    href: '/endpoints',
    label: 'Endpoints',
    icon: <path d="M3 10h6m0 0 3-5h5M9 10l3 5h5M15 3l2 2-2 2M15 13l2 2-2 2" />,
  },
  'batch-jobs': {
    href: '/batch-jobs',
    label: 'Batch jobs',
    icon: <path d="M4 4h12v3H4zM4 8.5h12v3H4zM4 13h12v3H4zM13 5.5h1M13 10h1M13 14.5h1" />,
  },
  streams: {
    href: '/streams',
    label: 'Streams',
    icon: <path d="M2 7c2.5-2 5-2 7.5 0s5 2 8 0M2 11.5c2.5-2 5-2 7.5 0s5 2 8 0M2 16c2.5-2 5-2 7.5 0s5 2 8 0" />,
  },
  users: {
    href: '/users',
    label: 'Users',
    icon: <path d="M7.5 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6M2 17a5.5 5.5 0 0 1 11 0M13 3.5a3 3 0 0 1 0 5.5M15 12a5 5 0 0 1 3 5" />,
  },
  'api-keys': {
    href: '/api-keys',
    label: 'API keys',
    icon: <path d="M12.5 11a4 4 0 1 0-3.9-3.1L3 13.5V17h3.5v-2h2v-2h1.6l.5-.5a4 4 0 0 0 1.9.5M13.5 6.5h.01" />,
  },
  audit: {
    href: '/audit',
    label: 'Audit log',
    icon: <path d="M6 3h6l4 4v10H6zM12 3v4h4M8.5 10.5h5M8.5 13.5h5" />,
  },
} satisfies Record<string, NavItem>;

export type NavLink = keyof typeof items;

export interface NavSection {
  /** Shown above the links; the first section has none. */
  label: string | undefined;
  links: NavLink[];
}

export function SidebarLinks({ sections }: { sections: NavSection[] }) {
  const pathname = usePathname();
  return (
    <div className="flex flex-wrap gap-x-1 gap-y-3 md:flex-col md:flex-nowrap">
      {sections.map((section) => (
        <div key={section.label ?? 'main'}>
          {section.label ? (
            <p className="hidden px-3 pb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase md:block">{section.label}</p>
          ) : null}
          <ul className="flex flex-wrap gap-1 md:flex-col">
            {section.links.map((key) => (
              <li key={key}>
                <NavLinkItem item={items[key]} current={isCurrent(items[key].href, pathname)} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function isCurrent(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

function NavLinkItem({ item, current }: { item: NavItem; current: boolean }) {
  return (
    <Link
      href={item.href}
      aria-current={current ? 'page' : undefined}
      className={`flex items-center gap-2.5 rounded-lg px-3 py-2 text-sm font-medium transition-colors ${
        current ? 'bg-indigo-50 text-indigo-700' : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900'
      }`}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 20 20"
        className="size-4 shrink-0"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        {item.icon}
      </svg>
      {item.label}
    </Link>
  );
}
