'use client';

import type { ApiKey, ApiKeyScopes, CredentialKind } from '@modelgate/contracts';
import { Badge } from './badge';
import { buttonClasses } from './button';
import { EmptyState } from './empty-state';
import { ModalDialog } from './modal-dialog';
import { ProblemAlert } from './problem-alert';
import { Table, TableBody, TableHead, Td, Th } from './table';
import { useDialogChange } from './use-dialog-change';
import { callApi } from '@/lib/browser-api';

/** A key or token with its times formatted on the server (so both renders agree) and its state at render time. */
export type CredentialRow = ApiKey & {
  expiresLabel: string | undefined;
  lastUsedLabel: string | undefined;
  createdLabel: string;
  revokedLabel: string | undefined;
  expired: boolean;
};

const NOUN: Record<CredentialKind, string> = { api_key: 'API key', personal_token: 'token' };

interface CredentialTableProps {
  kind: CredentialKind;
  credentials: CredentialRow[];
  /** `DELETE <revokeBase>/<id>` revokes one, through the dashboard's proxy. */
  revokeBase: string;
}

/** API keys (with their scopes and rate limit) or personal tokens: never their secrets. */
export function CredentialTable({ kind, credentials, revokeBase }: CredentialTableProps) {
  const noun = NOUN[kind];
  if (credentials.length === 0) {
    return <EmptyState title={`No ${noun}s yet`}>Create one below; its secret is shown once.</EmptyState>;
  }
  const isApiKey = kind === 'api_key';
  return (
    <Table caption={isApiKey ? 'API keys' : 'Your tokens'}>
      <TableHead>
        <Th>Name</Th>
        <Th>Prefix</Th>
        {isApiKey ? <Th>Scopes</Th> : null}
        {isApiKey ? <Th>Rate limit</Th> : null}
        <Th>Expires</Th>
        <Th>Last used</Th>
        <Th>Status</Th>
        <Th>
          <span className="sr-only">Actions</span>
        </Th>
      </TableHead>
      <TableBody>
        {credentials.map((credential) => (
          <tr key={credential.id} className={credential.revokedAt || credential.expired ? 'bg-zinc-50/60 text-zinc-500' : undefined}>
            <Td>
              <span className="font-medium text-zinc-900">{credential.name}</span>
              <p className="mt-0.5 text-xs text-zinc-500">
                created {credential.createdLabel}
                {credential.createdBy ? ` by ${credential.createdBy}` : ''}
              </p>
            </Td>
            <Td>
              <code className="font-mono text-[13px] whitespace-nowrap text-zinc-800">{credential.prefix}…</code>
            </Td>
            {isApiKey ? (
              <Td>
                <ScopeList scopes={credential.scopes} />
              </Td>
            ) : null}
            {isApiKey ? (
              <Td className="whitespace-nowrap">
                {credential.rateLimit ? (
                  <span className="tabular-nums">
                    {credential.rateLimit.perSecond}/s, burst {credential.rateLimit.burst}
                  </span>
                ) : (
                  <span className="text-zinc-500">default</span>
                )}
              </Td>
            ) : null}
            <Td className="whitespace-nowrap">
              {credential.expiresAt ? <time dateTime={credential.expiresAt}>{credential.expiresLabel}</time> : <span className="text-zinc-500">never</span>}
            </Td>
            <Td className="whitespace-nowrap">
              {credential.lastUsedAt ? <time dateTime={credential.lastUsedAt}>{credential.lastUsedLabel}</time> : <span className="text-zinc-500">never</span>}
            </Td>
            <Td>
              {credential.revokedAt ? (
                <span>
                  <Badge tone="red">revoked</Badge>
                  <span className="mt-1 block text-xs whitespace-nowrap text-zinc-500">{credential.revokedLabel}</span>
                </span>
              ) : credential.expired ? (
                <Badge tone="amber">expired</Badge>
              ) : (
                <Badge tone="green">active</Badge>
              )}
            </Td>
            <Td className="text-right">
              {credential.revokedAt ? null : <RevokeCredential credential={credential} noun={noun} path={`${revokeBase}/${encodeURIComponent(credential.id)}`} />}
            </Td>
          </tr>
        ))}
      </TableBody>
    </Table>
  );
}

function ScopeList({ scopes }: { scopes: ApiKeyScopes | null }) {
  if (!scopes) return <span className="text-zinc-500">—</span>;
  return (
    <ul className="flex flex-col gap-0.5 text-[13px]">
      {scopes.predict.length > 0 ? (
        <li>
          predict:{' '}
          {scopes.predict.includes('*') ? (
            <span className="font-medium">all endpoints</span>
          ) : (
            <span className="font-mono">{scopes.predict.join(', ')}</span>
          )}
        </li>
      ) : null}
      {scopes.read ? <li>read</li> : null}
    </ul>
  );
}

function RevokeCredential({ credential, noun, path }: { credential: CredentialRow; noun: string; path: string }) {
  const { dialog, problem, pending: revoking, open, submit, clearProblem } = useDialogChange();
  const revoke = () => submit(() => callApi<ApiKey>('DELETE', path));

  return (
    <>
      <button
        type="button"
        onClick={open}
        aria-label={`Revoke ${credential.name}`}
        className={buttonClasses('secondary', 'py-1 text-xs')}
      >
        Revoke
      </button>
      <ModalDialog dialog={dialog} title={`Revoke ${credential.name}?`} onClose={() => clearProblem()}>
        <div className="grid gap-2 text-left text-sm text-zinc-700">
          <p>
            Anything that sends <code className="font-mono">{credential.prefix}…</code> gets 401 from every API process within a
            second. Revoking cannot be undone: create a new {noun} to give access again.
          </p>
        </div>
        {problem ? <ProblemAlert heading={`The ${noun} was not revoked`} problem={problem} /> : null}
        <div className="flex flex-wrap justify-end gap-2">
          {/* The safe choice takes the focus. */}
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonClasses('secondary')}>
            Cancel
          </button>
          <button type="button" onClick={revoke} disabled={revoking} className={buttonClasses('danger')}>
            {revoking ? 'Revoking…' : `Revoke ${noun}`}
          </button>
        </div>
      </ModalDialog>
    </>
  );
}
