-- CreateEnum
CREATE TYPE "RecordStatus" AS ENUM ('pending', 'scored', 'failed');

-- CreateEnum
CREATE TYPE "ScheduleRunTrigger" AS ENUM ('schedule', 'manual', 'promotion');

-- CreateEnum
CREATE TYPE "ScheduleRunStatus" AS ENUM ('running', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "BatchJobStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "StreamStatus" AS ENUM ('active', 'paused');

-- CreateTable
CREATE TABLE "records" (
    "endpoint_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "inputs_hash" CHAR(64) NOT NULL,
    "status" "RecordStatus" NOT NULL DEFAULT 'pending',
    "prediction" JSONB,
    "version_id" UUID,
    "error" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scored_at" TIMESTAMPTZ(3),

    CONSTRAINT "records_pkey" PRIMARY KEY ("endpoint_id","key")
);

-- CreateTable
CREATE TABLE "scoring_schedules" (
    "endpoint_id" UUID NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "rescore_on_promote" BOOLEAN NOT NULL DEFAULT false,
    "rescored_revision" INTEGER,
    "created_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scoring_schedules_pkey" PRIMARY KEY ("endpoint_id")
);

-- CreateTable
CREATE TABLE "schedule_runs" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "trigger" "ScheduleRunTrigger" NOT NULL,
    "status" "ScheduleRunStatus" NOT NULL DEFAULT 'running',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "scored" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "job_id" TEXT,
    "requested_by" TEXT,
    "revision" INTEGER,

    CONSTRAINT "schedule_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_jobs" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID,
    "version_id" UUID,
    "format" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "mapping" JSONB NOT NULL,
    "chunk_size" INTEGER NOT NULL,
    "error_budget" DOUBLE PRECISION NOT NULL,
    "status" "BatchJobStatus" NOT NULL DEFAULT 'queued',
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "rows_failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "batch_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_results" (
    "job_id" UUID NOT NULL,
    "row" INTEGER NOT NULL,
    "line" INTEGER NOT NULL,
    "version_id" UUID,
    "outputs" JSONB,
    "error" TEXT,

    CONSTRAINT "batch_results_pkey" PRIMARY KEY ("job_id","row")
);

-- CreateTable
CREATE TABLE "stream_bindings" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "sink" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "status" "StreamStatus" NOT NULL DEFAULT 'active',
    "scored" BIGINT NOT NULL DEFAULT 0,
    "failed" BIGINT NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "stream_bindings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stream_predictions" (
    "binding_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "prediction" JSONB,
    "version_id" UUID,
    "error" TEXT,
    "scored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stream_predictions_pkey" PRIMARY KEY ("binding_id","key")
);

-- CreateIndex
CREATE INDEX "records_endpoint_id_status_key_idx" ON "records"("endpoint_id", "status", "key");

-- CreateIndex
CREATE INDEX "schedule_runs_endpoint_id_started_at_idx" ON "schedule_runs"("endpoint_id", "started_at");

-- CreateIndex
CREATE INDEX "batch_jobs_created_at_idx" ON "batch_jobs"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "stream_bindings_name_key" ON "stream_bindings"("name");

-- AddForeignKey
ALTER TABLE "records" ADD CONSTRAINT "records_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scoring_schedules" ADD CONSTRAINT "scoring_schedules_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_jobs" ADD CONSTRAINT "batch_jobs_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_results" ADD CONSTRAINT "batch_results_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "batch_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stream_bindings" ADD CONSTRAINT "stream_bindings_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stream_predictions" ADD CONSTRAINT "stream_predictions_binding_id_fkey" FOREIGN KEY ("binding_id") REFERENCES "stream_bindings"("id") ON DELETE CASCADE ON UPDATE CASCADE;
