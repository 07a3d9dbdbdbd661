export * from './client';
export * from './errors';
export * from './target';
export * from './ddocs';
export * from './group-commit';
export { setupDatabases } from './setup';
