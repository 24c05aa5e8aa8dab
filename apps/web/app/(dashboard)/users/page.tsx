import { Action } from '@modelgate/contracts';
import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { pageRefusal } from '@/components/page-refusal';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getUsers } from '@/lib/api-client';
import { formatDateTime, pluralize } from '@/lib/format';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { CreateUserForm } from './create-user-form';
import { UsersTable } from './users-table';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const session = await requireSession();
  const header = (
    <PageHeader
      title="Users"
      description="People who sign in to the dashboard and the API. Viewers read, data scientists upload and try canaries, admins decide what production serves."
    />
  );
  const refusal = pageRefusal(session, Action.manageUsers, header, 'Users are managed by admins.');
  if (refusal) return refusal;

  const users = await loadFromApi(getUsers());
  return (
    <>
      {header}
      <Section id="users" title="Everyone" aside={users.ok ? pluralize(users.data.items.length, 'user') : undefined}>
        {users.ok ? (
          <UsersTable
            users={users.data.items.map((user) => ({
              ...user,
              lastLoginLabel: user.lastLoginAt ? formatDateTime(user.lastLoginAt) : undefined,
              disabledLabel: user.disabledAt ? formatDateTime(user.disabledAt) : undefined,
            }))}
            currentUserId={session.user.id}
          />
        ) : (
          <ApiErrorPanel failure={users.failure} />
        )}
      </Section>
      <Section id="new-user" title="Add a user" description="They sign in with this email and password; ask them to keep the password to themselves.">
        <CreateUserForm />
      </Section>
    </>
  );
}
