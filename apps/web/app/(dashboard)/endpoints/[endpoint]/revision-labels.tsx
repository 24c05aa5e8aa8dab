import type { Revision, RevisionKind } from '@modelgate/contracts';
import { Badge, type BadgeTone } from '@/components/badge';

const kindTone: Record<RevisionKind, BadgeTone> = {
  deploy: 'accent',
  canary: 'amber',
  promote: 'green',
  rollback: 'red',
  'auto-advance': 'amber',
  'auto-promote': 'green',
  'auto-rollback': 'red',
};

/** How a revision came to be; the auto-* kinds were written by a progressive rollout's judge. */
export function RevisionKindBadge({ kind }: { kind: RevisionKind }) {
  return <Badge tone={kindTone[kind] ?? 'neutral'}>{kind}</Badge>;
}

/** Who made a revision: a person or token by its label; the rollout judge for the auto-* kinds. */
export function revisionAuthor(revision: Pick<Revision, 'createdBy' | 'kind'>): string {
  if (revision.createdBy) return revision.createdBy;
  return revision.kind.startsWith('auto-') ? 'rollout judge' : 'system';
}
