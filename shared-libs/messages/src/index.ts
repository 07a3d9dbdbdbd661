export * from './states';
export * from './types';
export * from './task-state';
export * from './incoming';
export * from './outgoing';
