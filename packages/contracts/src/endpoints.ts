import { z } from 'zod';
import { EndpointName, ModelName } from './names.js';

export const Placement = z.enum(['worker', 'gateway']);
export type Placement = z.infer<typeof Placement>;

/**
 * How a revision came to be: by hand (deploy, canary, promote, rollback) or by a progressive
 * rollout's judge (auto-advance to the next step, auto-promote at the end, auto-rollback).
 */
export const RevisionKind = z.enum(['deploy', 'promote', 'canary', 'rollback', 'auto-advance', 'auto-rollback', 'auto-promote']);
export type RevisionKind = z.infer<typeof RevisionKind>;

export const EndpointConfig = z.object({
  placement: Placement.default('worker'),
  batching: z
    .object({
      maxBatchSize: z.number().int().min(1).max(1024).default(16),
      maxDelayMs: z.number().int().min(0).max(1000).default(0),
    })
    .default({ maxBatchSize: 16, maxDelayMs: 0 }),
  scaling: z
    .object({
      minReplicas: z.number().int().min(0).max(64).default(1),
      idleTimeoutSec: z.number().int().min(1).max(86_400).default(300),
    })
    .default({ minReplicas: 1, idleTimeoutSec: 300 }),
  timeoutMs: z.number().int().min(10).max(600_000).default(30_000),
  maxQueueDepth: z.number().int().min(1).max(1_000_000).default(1000),
});
export type EndpointConfig = z.infer<typeof EndpointConfig>;

/**
 * Request headers that steer routing: a routing key keeps a caller on one version while the
 * weights stay the same (sticky choice by its hash); a version header pins a routed version.
 */
export const RoutingHeader = {
  key: 'x-routing-key',
  version: 'x-modelgate-version',
} as const;

export const CreateEndpointBody = EndpointConfig.extend({
  name: EndpointName,
  description: z.string().max(10_000).default(''),
}).strict();
export type CreateEndpointBody = z.input<typeof CreateEndpointBody>;

export const RouteView = z.object({
  versionId: z.string(),
  model: z.string(),
  version: z.number().int(),
  weight: z.number(),
});
export const ShadowView = z.object({
  versionId: z.string(),
  model: z.string(),
  version: z.number().int(),
  percent: z.number(),
});

export const Revision = z.object({
  number: z.number().int().positive(),
  kind: RevisionKind,
  routes: z.array(RouteView),
  shadows: z.array(ShadowView),
  reason: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type Revision = z.infer<typeof Revision>;

export const Endpoint = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  config: EndpointConfig,
  activeRevision: Revision.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const EndpointList = z.object({ items: z.array(Endpoint) });
export type EndpointList = z.infer<typeof EndpointList>;

export const RevisionList = z.object({ items: z.array(Revision) });
export type RevisionList = z.infer<typeof RevisionList>;

/**
 * Every routing change names the revision it was made against (0 when the endpoint has none yet),
 * so two people editing at once cannot silently overwrite each other: the stale one gets 409.
 */
export const ExpectedRevision = z.number().int().min(0);

export const PromoteBody = z
  .object({
    model: ModelName,
    version: z.number().int().positive(),
    expectedRevision: ExpectedRevision,
    reason: z.string().max(2000).optional(),
  })
  .strict();
export type PromoteBody = z.infer<typeof PromoteBody>;

const RouteTarget = z.object({ model: ModelName, version: z.number().int().positive() });

/** `POST /v1/endpoints/{e}/revisions`: any split (weights sum to 100) plus shadow copies. */
export const DeployBody = z
  .object({
    routes: z
      .array(RouteTarget.extend({ weight: z.number().int().min(1, 'a routed version gets at least 1 %').max(100) }).strict())
      .min(1, 'route traffic to at least one version')
      .max(10),
    shadows: z.array(RouteTarget.extend({ percent: z.number().int().min(1).max(100) }).strict()).max(5).default([]),
    expectedRevision: ExpectedRevision,
    reason: z.string().max(2000).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const total = body.routes.reduce((sum, route) => sum + route.weight, 0);
    if (total !== 100) ctx.addIssue({ code: 'custom', path: ['routes'], message: `route weights must add up to 100; these add up to ${total}` });
    const seen = new Set<string>();
    for (const [index, target] of [...body.routes, ...body.shadows].entries()) {
      const key = `${target.model}@${target.version}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: index < body.routes.length ? ['routes', index] : ['shadows', index - body.routes.length], message: `${key} appears twice: a version is routed or shadowed once` });
      seen.add(key);
    }
  });
export type DeployBody = z.input<typeof DeployBody>;

/** `POST /v1/endpoints/{e}/rollback`: a new revision copying the previous (or the named) one. */
export const RollbackBody = z
  .object({
    toRevision: z.number().int().positive().optional(),
    expectedRevision: ExpectedRevision,
    reason: z.string().max(2000).optional(),
  })
  .strict();
export type RollbackBody = z.infer<typeof RollbackBody>;
