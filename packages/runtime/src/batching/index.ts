export { MicroBatcher, QueueFullError, type MicroBatcherOptions } from './micro-batcher.js';
export { concatRows, runBatched, splitRows, type BatchAnswer, type BatchRequest, type BatchableModel } from './tensor-batch.js';
