export * from './artifact-store.js';
export * from './filesystem-artifact-store.js';
