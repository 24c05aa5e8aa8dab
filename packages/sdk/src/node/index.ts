export { uploadModelVersion, type UploadModelVersionOptions, type UploadOutcome } from './upload.js';
export {
  downloadBatchResults,
  submitBatchJob,
  type DownloadBatchResultsOptions,
  type DownloadedResults,
  type SubmitBatchJobOptions,
} from './batch-jobs.js';
export { BatchFileError, LocalFileError, ModelFileError, ResultsFileError } from './local-file-errors.js';
export { buildMultipartFraming, multipartContentLength, type MultipartField, type MultipartFraming } from './multipart.js';
export { issuePersonalToken, type IssuePersonalTokenOptions } from './personal-token.js';
