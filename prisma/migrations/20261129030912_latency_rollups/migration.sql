-- CreateEnum
CREATE TYPE "TrafficKind" AS ENUM ('live', 'shadow');

-- CreateEnum
CREATE TYPE "RollupResolution" AS ENUM ('minute', 'hour');

-- CreateTable
CREATE TABLE "latency_rollups" (
    "endpoint_id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "placement" TEXT NOT NULL,
    "traffic" "TrafficKind" NOT NULL,
    "resolution" "RollupResolution" NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "ok" BIGINT NOT NULL DEFAULT 0,
    "client_errors" BIGINT NOT NULL DEFAULT 0,
    "server_errors" BIGINT NOT NULL DEFAULT 0,
    "timeouts" BIGINT NOT NULL DEFAULT 0,
    "shed" BIGINT NOT NULL DEFAULT 0,
    "cold_starts" BIGINT NOT NULL DEFAULT 0,
    "latency_ms_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "queue_ms_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "inference_ms_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "batch_size_sum" BIGINT NOT NULL DEFAULT 0,
    "buckets" BIGINT[],

    CONSTRAINT "latency_rollups_pkey" PRIMARY KEY ("endpoint_id","version_id","placement","traffic","resolution","bucket_start")
);

-- CreateIndex
CREATE INDEX "latency_rollups_resolution_bucket_start_idx" ON "latency_rollups"("resolution", "bucket_start");

-- AddForeignKey
ALTER TABLE "latency_rollups" ADD CONSTRAINT "latency_rollups_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
