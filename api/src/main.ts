/**
 * `npm run start:api`: the API process. Several can run behind a proxy against one CouchDB.
 * Tells a parent process it is ready over IPC: { type: 'ready', port }.
 */
import type { AddressInfo } from 'node:net';
import { packageInfo } from '../../config/version';
import { createVault } from '../../shared-libs/credentials/src';
import { describeError } from '../../shared-libs/logger/src';
import { connectComponent, onStopSignal } from '../../shared-libs/process/src';
import { createSettingsStore } from '../../shared-libs/settings/src';
import { createHttpServer } from './http-server';
import { createApp } from './server';

const SHUTDOWN_GRACE_MS = 10000;

async function main(): Promise<void> {
  const { env, logger, couch } = await connectComponent('api');
  const { target } = couch;

  const app = createApp({
    couch,
    vault: createVault({ couch, logger }),
    settings: createSettingsStore({ couch }),
    logger,
    version: packageInfo().version,
  });
  const server = createHttpServer(app, logger);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
    server.listen(env.apiPort);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info(`API listening on port ${port}, using CouchDB ${target.publicServerUrl}/${target.dbName}`);
  process.send?.({ type: 'ready', port });

  onStopSignal(logger, async (reason) => {
    logger.info(`API stopping (${reason}): finishing requests in progress`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(timer);
    logger.info('API stopped');
  });
}

main().catch((err) => {
  process.stderr.write(`The API could not start: ${describeError(err)}\n`);
  process.exit(1);
});
