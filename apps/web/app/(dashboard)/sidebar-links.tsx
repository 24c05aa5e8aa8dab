'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

interface NavItem {
  href: string;
  label: string;
  icon: ReactNode;
}

const items: NavItem[] = [
  {
    href: '/',
    label: 'Overview',
    icon: <path d="M3 10.5 10 4l7 6.5V17a1 1 0 0 1-1 1h-4v-5H8v5H4a1 1 0 0 1-1-1z" />,
  },
  {
    href: '/models',
    label: 'Models',
    icon: <path d="m10 3 7 4v6l-7 4-7-4V7zM3 7l7 4 7-4M10 11v6" />,
  },
  {
    href: '/endpoints',
    label: 'Endpoints',
    icon: <path d="M3 10h6m0 0 3-5h5M9 10l3 5h5M15 3l2 2-2 2M15 13l2 2-2 2" />,
  },
];

export function SidebarLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex gap-1 md:flex-col">
      {items.map((item) => {
        const current = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
        return (
          <li key={item.href}>
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
          </li>
        );
      })}
    </ul>
  );
}
