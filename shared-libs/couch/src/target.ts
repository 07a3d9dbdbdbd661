/**
 * Where the CouchDB is: COUCH_URL in CHT's form (`http(s)://user:pass@host:port[/prefix]/medic`), or,
 * when it is unset, the embedded store on 127.0.0.1 with the admin password kept in DATA_DIR.
 */
import type { EnvConfig } from '../../../config/env';
import { ConfigError } from '../../../config/env';
import { readAdminPassword } from '../../embedded-couch/src/secrets';

export const EMBEDDED_DB_NAME = 'medic';
export const EMBEDDED_ADMIN_NAME = 'admin';

export interface CouchTarget {
  /** Server URL with credentials, for this service's own requests. Never log it. */
  serverUrl: string;
  /** Server URL without credentials: safe to log, and used to check callers' credentials. */
  publicServerUrl: string;
  /** The main database (CHT's `medic`); the vault is `<dbName>-vault`. */
  dbName: string;
  username?: string;
  password?: string;
  /** True when this is the embedded store rather than a CouchDB given by COUCH_URL. */
  embedded: boolean;
}

export function vaultDbName(dbName: string): string {
  return `${dbName}-vault`;
}

/** This project's own bookkeeping (sender lease, request budget, send attempts, sentinel status). */
export function metaDbName(dbName: string): string {
  return `${dbName}-rapidpro`;
}

export function parseCouchUrl(raw: string): CouchTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('COUCH_URL is not a valid URL; expected http(s)://user:pass@host:port/medic');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('COUCH_URL must start with http:// or https://');
  }
  const parts = url.pathname.split('/').filter(Boolean);
  const dbName = parts.length ? decodeURIComponent(parts[parts.length - 1]) : '';
  if (!dbName) {
    throw new ConfigError('COUCH_URL must end with the database name, e.g. http://admin:pass@localhost:5984/medic');
  }
  const prefix = parts.slice(0, -1).join('/');
  const base = `${url.protocol}//${url.host}${prefix ? '/' + prefix : ''}`;
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const auth = username ? `${encodeURIComponent(username)}:${encodeURIComponent(password ?? '')}@` : '';
  return {
    serverUrl: `${url.protocol}//${auth}${url.host}${prefix ? '/' + prefix : ''}`,
    publicServerUrl: base,
    dbName,
    username,
    password,
    embedded: false,
  };
}

export function embeddedTarget(port: number, password: string): CouchTarget {
  return {
    serverUrl: `http://${EMBEDDED_ADMIN_NAME}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    publicServerUrl: `http://127.0.0.1:${port}`,
    dbName: EMBEDDED_DB_NAME,
    username: EMBEDDED_ADMIN_NAME,
    password,
    embedded: true,
  };
}

export function resolveCouchTarget(env: EnvConfig): CouchTarget {
  if (env.couchUrl) {
    return parseCouchUrl(env.couchUrl);
  }
  const password = env.couchAdminPassword ?? readAdminPassword(env.dataDir);
  if (!password) {
    throw new ConfigError(
      `COUCH_URL is not set and the embedded store has not been initialised in ${env.dataDir}. ` +
        'Start everything with "npm start", or the store alone with "npm run start:couch", or set COUCH_URL.',
    );
  }
  return embeddedTarget(env.embeddedCouchPort, password);
}
