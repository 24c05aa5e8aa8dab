export { ModelFileError, uploadModelVersion, type UploadModelVersionOptions, type UploadOutcome } from './upload.js';
export { buildMultipartFraming, multipartContentLength, type MultipartFraming } from './multipart.js';
export { issuePersonalToken, type IssuePersonalTokenOptions } from './personal-token.js';
