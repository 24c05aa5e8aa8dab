import { Action, ROLE_LABELS } from '@modelgate/contracts';
import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { CredentialTable } from '@/components/credential-table';
import { pageRefusal } from '@/components/page-refusal';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getPersonalTokens } from '@/lib/api-client';
import { PROXY_BASE } from '@/lib/browser-api';
import { credentialRows } from '@/lib/credential-rows';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { CreateTokenForm } from './create-token-form';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Your tokens' };

export default async function TokensPage() {
  const session = await requireSession();
  const header = (
    <PageHeader
      title="Your tokens"
      description={`Personal tokens act as you (${session.user.email}, ${ROLE_LABELS[session.user.role].toLowerCase()}) for scripts, the CLI and the SDK: send one as Authorization: Bearer.`}
    />
  );
  const refusal = pageRefusal(session, Action.manageOwnTokens, header, 'Personal tokens');
  if (refusal) return refusal;

  const tokens = await loadFromApi(getPersonalTokens());
  return (
    <>
      {header}
      <Section id="tokens" title="Tokens">
        {tokens.ok ? (
          <CredentialTable kind="personal_token" credentials={credentialRows(tokens.data.items)} revokeBase={`${PROXY_BASE}/auth/tokens`} />
        ) : (
          <ApiErrorPanel failure={tokens.failure} />
        )}
      </Section>
      <Section id="new-token" title="Create a token" description="Name it after where it will live, so you know which one to revoke if that machine is lost.">
        <CreateTokenForm />
      </Section>
    </>
  );
}
