-- A job's chunk index may now hold an entry every `index_stride` rows while its chunks are several
-- strides long (a chunk size chosen after the file is counted). Jobs before this had one entry per
-- chunk.
-- AlterTable
ALTER TABLE "batch_jobs" ADD COLUMN "index_stride" INTEGER;
UPDATE "batch_jobs" SET "index_stride" = "chunk_size";
ALTER TABLE "batch_jobs" ALTER COLUMN "index_stride" SET NOT NULL;
