/** The API on a free port, in this process, against a test database. */
import type { AddressInfo } from 'node:net';
import { createHttpServer, DEFAULT_HTTP_TIMEOUTS, HttpServerTimeouts } from '../../api/src/http-server';
import { createApp } from '../../api/src/server';
import { createVault, Vault } from '../../shared-libs/credentials/src';
import { createSettingsStore, SettingsStore } from '../../shared-libs/settings/src';
import type { TestDb } from './store';

export interface TestApi {
  url: string;
  vault: Vault;
  settings: SettingsStore;
  close(): Promise<void>;
}

export async function startApi(db: TestDb, options: { now?: () => number; cacheTtlMs?: number; timeouts?: Partial<HttpServerTimeouts> } = {}): Promise<TestApi> {
  const vault = createVault({ couch: db.couch, logger: db.logger, cacheTtlMs: options.cacheTtlMs });
  const settings = createSettingsStore({ couch: db.couch, cacheTtlMs: options.cacheTtlMs });
  const app = createApp({ couch: db.couch, vault, settings, logger: db.logger, version: 'test', now: options.now });
  const server = createHttpServer(app, db.logger, { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    vault,
    settings,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
