/**
 * `npm run start:couch`: the embedded store alone (npm start runs it as a supervised child).
 * Tells a parent process it is ready over IPC: { type: 'ready', port }.
 */
import { readEnv } from '../../../config/env';
import { createLogger, describeError } from '../../logger/src';
import { readOrCreateAdminPassword, readOrCreateServerSecret } from './secrets';
import { startEmbeddedCouch } from './server';

async function main(): Promise<void> {
  const env = readEnv();
  const logger = createLogger({ component: 'couch', level: env.logLevel });
  const adminPassword = env.couchAdminPassword ?? readOrCreateAdminPassword(env.dataDir);
  const serverSecret = readOrCreateServerSecret(env.dataDir);
  logger.registerSecret(adminPassword);
  logger.registerSecret(serverSecret);

  const store = await startEmbeddedCouch({
    dataDir: env.dataDir,
    port: env.embeddedCouchPort,
    adminPassword,
    serverSecret,
    logger,
  });
  logger.info(`Embedded CouchDB-compatible store listening on ${store.url} (127.0.0.1 only), data in ${env.dataDir}`);
  if (process.send) {
    process.send({ type: 'ready', port: store.port });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info(`Stopping the embedded store (${signal})`);
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('disconnect', () => void stop('parent exited'));
}

main().catch((err) => {
  process.stderr.write(`The embedded store could not start: ${describeError(err)}\n`);
  process.exit(1);
});
