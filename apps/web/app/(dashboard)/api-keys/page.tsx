import { Action } from '@modelgate/contracts';
import type { Metadata } from 'next';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { CredentialTable } from '@/components/credential-table';
import { pageRefusal } from '@/components/page-refusal';
import { PageHeader } from '@/components/page-header';
import { Section } from '@/components/section';
import { getApiKeys, getEndpoints } from '@/lib/api-client';
import { credentialRows } from '@/lib/credential-rows';
import { PROXY_BASE } from '@/lib/browser-api';
import { pluralize } from '@/lib/format';
import { loadFromApi } from '@/lib/load-from-api';
import { requireSession } from '@/lib/session';
import { CreateApiKeyForm } from './create-api-key-form';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  const session = await requireSession();
  const header = (
    <PageHeader
      title="API keys"
      description="Keys for applications: each may predict on the endpoints it names (or all), and read the registry if allowed. Nothing else."
    />
  );
  const refusal = pageRefusal(session, Action.manageApiKeys, header, 'API keys are managed by admins. Your own tokens for scripts and the CLI are under “Your tokens”.');
  if (refusal) return refusal;

  const [keys, endpoints] = await Promise.all([loadFromApi(getApiKeys()), loadFromApi(getEndpoints(), { notFoundIsPage: false })]);
  const active = keys.ok ? keys.data.items.filter((key) => !key.revokedAt).length : 0;
  return (
    <>
      {header}
      <Section id="keys" title="Keys" aside={keys.ok ? `${pluralize(active, 'active key')} · ${keys.data.items.length} in all` : undefined}>
        {keys.ok ? (
          <CredentialTable kind="api_key" credentials={credentialRows(keys.data.items)} revokeBase={`${PROXY_BASE}/api-keys`} />
        ) : (
          <ApiErrorPanel failure={keys.failure} />
        )}
      </Section>
      <Section id="new-key" title="Create a key" description="Name it after the application that will use it, so its calls are easy to recognise in the audit log.">
        {endpoints.ok ? (
          <CreateApiKeyForm endpoints={endpoints.data.items.map((endpoint) => endpoint.name)} />
        ) : (
          <ApiErrorPanel failure={endpoints.failure} />
        )}
      </Section>
    </>
  );
}
