-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('running', 'completed', 'rolled_back', 'aborted');

-- AlterEnum
ALTER TYPE "RevisionKind" ADD VALUE 'auto-advance';

-- AlterTable
ALTER TABLE "latency_rollups" ADD COLUMN     "agreed" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "classified" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "compared" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "max_abs_diff" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "rollouts" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "candidate_version_id" UUID NOT NULL,
    "baseline_version_id" UUID NOT NULL,
    "baseline_revision" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "steps" INTEGER[],
    "step_index" INTEGER NOT NULL DEFAULT 0,
    "step_started_at" TIMESTAMPTZ(3) NOT NULL,
    "step_offset" JSONB,
    "bake_seconds" INTEGER NOT NULL,
    "guardrails" JSONB NOT NULL,
    "status" "RolloutStatus" NOT NULL DEFAULT 'running',
    "last_evaluation" JSONB,
    "outcome" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rollouts_endpoint_id_created_at_idx" ON "rollouts"("endpoint_id", "created_at");

-- CreateIndex
CREATE INDEX "rollouts_status_idx" ON "rollouts"("status");

-- AddForeignKey
ALTER TABLE "rollouts" ADD CONSTRAINT "rollouts_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
