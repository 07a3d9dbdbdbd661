/** The API on a free port, in this process, against a test database. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

export async function startApi(db: TestDb, options: { now?: () => number; cacheTtlMs?: number } = {}): Promise<TestApi> {
  const vault = createVault({ couch: db.couch, logger: db.logger, cacheTtlMs: options.cacheTtlMs });
  const settings = createSettingsStore({ couch: db.couch, cacheTtlMs: options.cacheTtlMs });
  const app = createApp({ couch: db.couch, vault, settings, logger: db.logger, version: 'test', now: options.now });
  const server = http.createServer(app);
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
