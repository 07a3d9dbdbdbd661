export * from './client';
export * from './failures';
export * from './responses';
export * from './statuses';
