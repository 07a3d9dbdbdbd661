/**
 * The CouchDB-compatible store every scenario runs against: the project's embedded store, started
 * as a child process from its own entry point (so its CPU is not the benchmark's), with a
 * temporary DATA_DIR. Each scenario gets databases of its own on it, set up as the service sets
 * them up, with the credentials and app settings it needs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { createCouchClient, CouchClient, metaDbName, parseCouchUrl, setupDatabases, vaultDbName } from '../../shared-libs/couch/src';
import { createVault, Vault } from '../../shared-libs/credentials/src';
import { createLogger, Logger } from '../../shared-libs/logger/src';
import { AppSettings, createSettingsStore, SettingsStore } from '../../shared-libs/settings/src';
import { ENTRY_POINTS, ServiceProcess, spawnService } from './service';

export interface Store {
  readonly process: ServiceProcess;
  readonly port: number;
  /** Where logs and data of this run go (removed at the end unless --keep). */
  readonly workDir: string;
  /** COUCH_URL in CHT's form for database `db`, admin credentials included. */
  couchUrl(db: string): string;
  client(db: string): CouchClient;
  /** A logger writing to the run's log file (never to stdout). */
  logger(component: string): Logger;
  close(): Promise<void>;
}

export async function startStore(workDir: string): Promise<Store> {
  const dataDir = path.join(workDir, 'couch-data');
  fs.mkdirSync(dataDir, { recursive: true });
  const password = crypto.randomBytes(12).toString('hex');
  const proc = await spawnService({
    name: 'store',
    script: ENTRY_POINTS.couch,
    env: { DATA_DIR: dataDir, EMBEDDED_COUCH_PORT: '0', COUCH_ADMIN_PASSWORD: password, LOG_LEVEL: 'warn' },
    logFile: path.join(workDir, 'logs', 'store.log'),
  });
  if (proc.port === undefined) {
    throw new Error('the embedded store did not say which port it listens on');
  }
  const port = proc.port;
  const benchLog: Writable = fs.createWriteStream(path.join(workDir, 'logs', 'bench.log'), { flags: 'a' });
  const couchUrl = (db: string) => `http://admin:${password}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  return {
    process: proc,
    port,
    workDir,
    couchUrl,
    client: (db) => createCouchClient({ target: parseCouchUrl(couchUrl(db)), requestTimeoutMs: 120000 }),
    logger: (component) => createLogger({ component, level: 'info', stream: benchLog }),
    async close() {
      await proc.stop();
      await new Promise<void>((resolve) => benchLog.end(() => resolve()));
    },
  };
}

export function makeWorkDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cht-rapidpro-bench-'));
}

export interface BenchDb {
  readonly name: string;
  /** The client the service itself would have (default timeouts): for an in-process sentinel. */
  readonly couch: CouchClient;
  /** A client with a long timeout, for the benchmark's own setup and read-back (views over 10,000 documents take a while to build). */
  readonly bench: CouchClient;
  readonly vault: Vault;
  readonly settings: SettingsStore;
  readonly logger: Logger;
  /** Removes the main, vault and bookkeeping databases. */
  drop(): Promise<void>;
}

let dbCounter = 0;

/** Fresh databases named bench-<scenario>-<n>, set up, with these credentials and app settings. */
export async function freshDb(store: Store, scenario: string, init: { credentials?: Record<string, string>; settings?: AppSettings } = {}): Promise<BenchDb> {
  const name = `bench-${scenario}-${++dbCounter}-${crypto.randomBytes(3).toString('hex')}`;
  const couch = createCouchClient({ target: parseCouchUrl(store.couchUrl(name)) });
  const bench = store.client(name);
  const logger = store.logger(`bench-${scenario}`);
  await setupDatabases(bench, logger);
  const vault = createVault({ couch, logger, cacheTtlMs: 2000 });
  const settings = createSettingsStore({ couch, cacheTtlMs: 2000 });
  for (const [key, secret] of Object.entries(init.credentials ?? {})) {
    await vault.set(key, secret);
  }
  if (init.settings) {
    await settings.update(init.settings, { replace: true });
  }
  return {
    name,
    couch,
    bench,
    vault,
    settings,
    logger,
    async drop() {
      for (const db of [name, vaultDbName(name), metaDbName(name)]) {
        await bench.request({ db, method: 'delete' }).catch(() => undefined);
      }
    },
  };
}
