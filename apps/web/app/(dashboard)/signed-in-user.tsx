'use client';

import { ROLE_LABELS, type Role } from '@modelgate/contracts';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { Badge } from '@/components/badge';
import { callApi, PROXY_BASE } from '@/lib/browser-api';

interface SignedInUserProps {
  name: string;
  email: string;
  role: Role;
}

/** Who is signed in, their own tokens and the way out, at the foot of the sidebar. */
export function SignedInUser({ name, email, role }: SignedInUserProps) {
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  const [failure, setFailure] = useState<string>();

  async function signOut() {
    setSigningOut(true);
    setFailure(undefined);
    const result = await callApi<void>('POST', `${PROXY_BASE}/auth/logout`);
    // An expired session is as signed out as it gets; anything else would leave it working.
    if (!result.ok && result.problem.status !== 401) {
      setSigningOut(false);
      setFailure(result.problem.detail || `The API answered ${result.problem.status} ${result.problem.title}`);
      return;
    }
    // A full load, not a client navigation: nothing of the signed-in pages stays in memory.
    window.location.assign('/login');
  }

  const tokensCurrent = pathname === '/tokens';
  return (
    <section aria-label="Signed in" className="border-t border-zinc-200 px-4 py-3 md:px-5 md:py-4">
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          {name ? <p className="truncate text-sm font-medium text-zinc-900">{name}</p> : null}
          <p className="truncate text-xs text-zinc-600" title={email}>
            {email}
          </p>
        </div>
        <Badge tone={role === 'admin' ? 'accent' : 'neutral'}>{ROLE_LABELS[role]}</Badge>
      </div>
      <div className="mt-3 flex items-center justify-between gap-2 text-sm">
        <Link
          href="/tokens"
          aria-current={tokensCurrent ? 'page' : undefined}
          className={`font-medium hover:underline ${tokensCurrent ? 'text-indigo-700' : 'text-zinc-700'}`}
        >
          Your tokens
        </Link>
        <button
          type="button"
          onClick={signOut}
          disabled={signingOut}
          className="rounded-md px-2 py-1 font-medium text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 disabled:opacity-60"
        >
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
      {failure ? (
        <p role="alert" className="mt-2 text-xs text-red-700">
          Not signed out: {failure}
        </p>
      ) : null}
    </section>
  );
}
