/**
 * The process environment, read once at start-up (CONTRACT §2). Everything that can change while
 * the service runs lives in app settings instead (shared-libs/settings).
 */
import path from 'node:path';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface EnvConfig {
  /** COUCH_URL as given (CHT's form, credentials included), or undefined to use the embedded store. */
  couchUrl?: string;
  /** Port of the embedded CouchDB-compatible server; it listens on 127.0.0.1 only. @defaultValue 5984 */
  embeddedCouchPort: number;
  /** Absolute path where the embedded store keeps its files and generated secrets. @defaultValue ./data */
  dataDir: string;
  /** Password of the embedded store's `admin` user, when given; otherwise it is generated into dataDir. */
  couchAdminPassword?: string;
  /** API listen port. @defaultValue 5988 */
  apiPort: number;
  /** winston level. @defaultValue info */
  logLevel: LogLevel;
}

export class ConfigError extends Error {}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a port number between 0 and 65535, got "${raw}"`);
  }
  return value;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const couchUrl = env.COUCH_URL ? env.COUCH_URL.trim() : undefined;
  return {
    couchUrl: couchUrl || undefined,
    embeddedCouchPort: port(env, 'EMBEDDED_COUCH_PORT', 5984),
    dataDir: path.resolve(env.DATA_DIR || './data'),
    couchAdminPassword: env.COUCH_ADMIN_PASSWORD || undefined,
    apiPort: port(env, 'API_PORT', 5988),
    logLevel: logLevel as LogLevel,
  };
}
