/**
 * The CouchDB the integration tests use: one embedded store per test run (the real server, over
 * real sockets), or the CouchDB in COUCH_URL when it is set, so the same tests run against both.
 * Each suite gets databases of its own, named test-<random>.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCouchClient, CouchClient, CouchTarget, embeddedTarget, metaDbName, parseCouchUrl, setupDatabases, vaultDbName } from '../../shared-libs/couch/src';
import { startEmbeddedCouch, EmbeddedCouch } from '../../shared-libs/embedded-couch/src/server';
import { createLogger, Logger } from '../../shared-libs/logger/src';
import { captureLogs, LogCapture } from './logs';

export interface SharedStore {
  target: CouchTarget;
  dataDir: string;
  /** Present only for the embedded store. */
  embedded?: EmbeddedCouch;
  serverSecret?: string;
}

let shared: Promise<SharedStore> | undefined;
const tempDirs: string[] = [];

export function tempDir(prefix = 'cht-rp-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

async function startShared(): Promise<SharedStore> {
  if (process.env.COUCH_URL) {
    return { target: parseCouchUrl(process.env.COUCH_URL), dataDir: tempDir() };
  }
  const dataDir = tempDir();
  const adminPassword = crypto.randomBytes(12).toString('hex');
  const serverSecret = crypto.randomBytes(16).toString('hex');
  const embedded = await startEmbeddedCouch({
    dataDir,
    port: 0,
    adminPassword,
    serverSecret,
    logger: createLogger({ component: 'test-couch', level: 'error' }),
  });
  return { target: embeddedTarget(embedded.port, adminPassword), dataDir, embedded, serverSecret };
}

export function sharedStore(): Promise<SharedStore> {
  shared = shared ?? startShared();
  return shared;
}

export function uniqueDbName(): string {
  return `test-${crypto.randomBytes(5).toString('hex')}`;
}

export interface TestDb {
  target: CouchTarget;
  couch: CouchClient;
  logger: Logger;
  logs: LogCapture;
  /** Removes this suite's databases. */
  drop(): Promise<void>;
}

/** A fresh main, vault and bookkeeping database on the shared store, set up as the service does. */
export async function freshDb(options: { setup?: boolean } = {}): Promise<TestDb> {
  const store = await sharedStore();
  const target: CouchTarget = { ...store.target, dbName: uniqueDbName() };
  const couch = createCouchClient({ target });
  const logs = captureLogs();
  const logger = createLogger({ component: 'test', level: 'debug', stream: logs.stream });
  logger.registerSecret(target.password);
  if (options.setup !== false) {
    await setupDatabases(couch, logger);
  }
  return {
    target,
    couch,
    logger,
    logs,
    async drop() {
      for (const name of [target.dbName, vaultDbName(target.dbName), metaDbName(target.dbName)]) {
        await couch.request({ db: name, method: 'delete' }).catch(() => undefined);
      }
    },
  };
}

after(async () => {
  if (shared) {
    const store = await shared;
    await store.embedded?.close();
  }
  for (const dir of tempDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
