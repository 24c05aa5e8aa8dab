import { EmptyState } from './empty-state';

export function NoEndpoints() {
  return (
    <EmptyState title="No endpoints yet">
      Create one on the Endpoints page (or with <code className="font-mono">POST /v1/endpoints</code>), then promote a model
      version to it.
    </EmptyState>
  );
}
