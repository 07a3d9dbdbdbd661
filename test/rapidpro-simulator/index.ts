/** RapidPro API v2 simulator: a fake RapidPro HTTP server for tests, benchmarks and demos. */
export { createRapidProSimulator } from './server';
export { realClock, createScaledClock, createManualClock } from './clock';
export type { ManualClock, ScaledClockOptions } from './clock';
export { DEFAULT_TOKEN, RATE_PRESETS, SCOPE_OF } from './options';
export { SERVER_ERROR_TEXT } from './faults';
export { formatDatetime, parseIsoDatetime } from './datetime';
export type * from './types';
