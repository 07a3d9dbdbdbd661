export * from './types';
export * from './schema';
export * from './sms-config';
export * from './store';
