export * from './client';
export * from './errors';
export * from './target';
export * from './ddocs';
export { setupDatabases } from './setup';
