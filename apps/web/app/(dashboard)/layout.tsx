import type { ReactNode } from 'react';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { SessionProvider } from '@/components/session-provider';
import { loadSession } from '@/lib/session';
import { Sidebar } from './sidebar';

/**
 * Every dashboard page is for a signed-in person: the layout asks the API who that is (a 401
 * goes to the login page) and gives the answer to the sidebar and to every client component.
 */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await loadSession();
  if (!session.ok) {
    return (
      <main id="content" className="mx-auto max-w-3xl px-4 py-12 sm:px-8">
        <h1 className="mb-6 text-2xl font-semibold tracking-tight text-zinc-950">Modelgate</h1>
        <ApiErrorPanel failure={session.failure} />
      </main>
    );
  }
  return (
    <SessionProvider session={session.data}>
      <div className="min-h-screen md:flex">
        <Sidebar session={session.data} />
        <main id="content" className="min-w-0 flex-1">
          <div className="mx-auto max-w-6xl px-4 py-8 sm:px-8 sm:py-10">{children}</div>
        </main>
      </div>
    </SessionProvider>
  );
}
