import { EmptyState } from './empty-state';

export function NoEndpoints() {
  return (
    <EmptyState title="No endpoints yet">
      Create one with <code className="font-mono">POST /v1/endpoints</code>, then deploy a model version to it.
    </EmptyState>
  );
}
