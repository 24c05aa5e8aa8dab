'use client';

import { type Problem, ROLE_LABELS, type Role, type UpdateUserBody, type User } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, type RefObject, useEffect, useRef, useState, useTransition } from 'react';
import { Badge } from '@/components/badge';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { ModalDialog } from '@/components/modal-dialog';
import { ProblemAlert } from '@/components/problem-alert';
import { Table, TableBody, TableHead, Td, Th } from '@/components/table';
import { callApi, PROXY_BASE } from '@/lib/browser-api';
import { PASSWORD_RULE, passwordProblem } from '@/lib/password-rule';

/** A user with its times already formatted on the server, so both renders agree. */
export type UserRow = User & { lastLoginLabel: string | undefined; disabledLabel: string | undefined };

const ROLES = Object.keys(ROLE_LABELS) as Role[];

export function UsersTable({ users, currentUserId }: { users: UserRow[]; currentUserId: string }) {
  return (
    <Table caption="Users">
      <TableHead>
        <Th>Email</Th>
        <Th>Name</Th>
        <Th>Role</Th>
        <Th>Status</Th>
        <Th>Last sign-in</Th>
        <Th>
          <span className="sr-only">Actions</span>
        </Th>
      </TableHead>
      <TableBody>
        {users.map((user) => (
          <UserTableRow key={user.id} user={user} isYou={user.id === currentUserId} />
        ))}
      </TableBody>
    </Table>
  );
}

function UserTableRow({ user, isYou }: { user: UserRow; isYou: boolean }) {
  const router = useRouter();
  const [role, setRole] = useState<Role>(user.role);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<{ heading: string; problem: Problem }>();
  const [notice, setNotice] = useState<string>();
  const [, startTransition] = useTransition();
  const passwordDialog = useRef<HTMLDialogElement>(null);

  // The refreshed list is the truth once a change has gone through (or someone else's has).
  useEffect(() => setRole(user.role), [user.role]);

  async function update(body: UpdateUserBody, failureHeading: string, success: string): Promise<boolean> {
    setSaving(true);
    setProblem(undefined);
    setNotice(undefined);
    const result = await callApi<User>('PATCH', `${PROXY_BASE}/users/${encodeURIComponent(user.id)}`, body);
    setSaving(false);
    if (!result.ok) {
      setProblem({ heading: failureHeading, problem: result.problem });
      return false;
    }
    setNotice(success);
    startTransition(() => router.refresh());
    return true;
  }

  async function changeRole(next: Role) {
    setRole(next);
    const changed = await update({ role: next }, `${user.email} is still ${ROLE_LABELS[user.role].toLowerCase()}`, `${user.email} is now ${ROLE_LABELS[next].toLowerCase()}.`);
    if (!changed) setRole(user.role);
  }

  const disabled = user.disabledAt !== null;
  return (
    <>
      <tr className={disabled ? 'bg-zinc-50/60 text-zinc-500' : undefined}>
        <Td className="font-medium text-zinc-900">
          {user.email} {isYou ? <span className="font-normal text-zinc-500">(you)</span> : null}
        </Td>
        <Td className="text-zinc-700">{user.name || <span className="text-zinc-400">—</span>}</Td>
        <Td className="min-w-44">
          <select
            aria-label={`Role of ${user.email}`}
            value={role}
            disabled={saving}
            onChange={(event) => changeRole(event.target.value as Role)}
            className={inputClasses(false, 'py-1')}
          >
            {ROLES.map((option) => (
              <option key={option} value={option}>
                {ROLE_LABELS[option]}
              </option>
            ))}
          </select>
        </Td>
        <Td>
          {disabled ? (
            <span title={user.disabledAt ?? undefined}>
              <Badge tone="red">disabled</Badge>
              <span className="mt-1 block text-xs text-zinc-500">since {user.disabledLabel}</span>
            </span>
          ) : (
            <Badge tone="green">active</Badge>
          )}
        </Td>
        <Td className="whitespace-nowrap text-zinc-600">
          {user.lastLoginAt ? (
            <time dateTime={user.lastLoginAt} title={user.lastLoginAt}>
              {user.lastLoginLabel}
            </time>
          ) : (
            <span className="text-zinc-400">never</span>
          )}
        </Td>
        <Td>
          <div className="flex flex-wrap justify-end gap-2">
            <button
              type="button"
              disabled={saving}
              onClick={() => passwordDialog.current?.showModal()}
              aria-label={`Set password of ${user.email}`}
              className={buttonClasses('secondary', 'py-1 text-xs')}
            >
              Set password
            </button>
            <button
              type="button"
              disabled={saving}
              onClick={() =>
                update(
                  { disabled: !disabled },
                  disabled ? `${user.email} is still disabled` : `${user.email} is still active`,
                  disabled ? `${user.email} can sign in again.` : `${user.email} is disabled and signed out everywhere.`,
                )
              }
              aria-label={`${disabled ? 'Enable' : 'Disable'} ${user.email}`}
              className={buttonClasses(disabled ? 'secondary' : 'danger', 'py-1 text-xs')}
            >
              {disabled ? 'Enable' : 'Disable'}
            </button>
          </div>
          <SetPasswordDialog
            dialog={passwordDialog}
            email={user.email}
            onSave={(password) => update({ password }, `The password of ${user.email} was not changed`, `New password saved for ${user.email}.`)}
          />
        </Td>
      </tr>
      {problem || notice ? (
        <tr>
          <td colSpan={6} className="px-4 pb-3">
            {problem ? <ProblemAlert heading={problem.heading} problem={problem.problem} /> : null}
            {notice ? (
              <p role="status" className="text-sm text-emerald-700">
                {notice}
              </p>
            ) : null}
          </td>
        </tr>
      ) : null}
    </>
  );
}

interface SetPasswordDialogProps {
  dialog: RefObject<HTMLDialogElement | null>;
  email: string;
  /** Resolves true once saved; a refusal is shown in the row, under the table. */
  onSave: (password: string) => Promise<boolean>;
}

function SetPasswordDialog({ dialog, email, onSave }: SetPasswordDialogProps) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const id = `set-password-${email.replace(/[^a-z0-9]/gi, '-')}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = passwordProblem(password);
    setError(problem);
    if (problem) return;
    setSaving(true);
    await onSave(password);
    setSaving(false);
    dialog.current?.close();
  }

  return (
    <ModalDialog
      dialog={dialog}
      title={`Set a new password for ${email}`}
      onClose={() => {
        setPassword('');
        setError(undefined);
      }}
    >
      <form onSubmit={submit} noValidate className="grid gap-4">
        <p className="text-sm text-zinc-700">
          Their other sessions end: they sign in again with the new password, which you give them yourself.
        </p>
        <Field id={id} label="New password" hint={PASSWORD_RULE} error={error}>
          <input
            id={id}
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete="new-password"
            className={inputClasses(Boolean(error))}
            {...fieldAria(id, true, error)}
          />
        </Field>
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
            Cancel
          </button>
          <button type="submit" disabled={saving} className={buttonClasses('primary')}>
            {saving ? 'Saving…' : 'Set password'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
