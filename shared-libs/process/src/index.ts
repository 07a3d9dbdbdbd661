/** Process lifecycle shared by every entry point: start-up against CouchDB, stop signals, waiting for CouchDB. */
import { EnvConfig, readEnv } from '../../../config/env';
import { CouchClient, createCouchClient, resolveCouchTarget, setupDatabases } from '../../couch/src';
import { createLogger, Logger } from '../../logger/src';

/**
 * What the API and the sentinel do first: read the environment, log as `component` (never showing
 * the CouchDB password), wait for CouchDB, and make sure this service's databases and views exist.
 */
export async function connectComponent(component: string): Promise<{ env: EnvConfig; logger: Logger; couch: CouchClient }> {
  const env = readEnv();
  const logger = createLogger({ component, level: env.logLevel });
  const target = resolveCouchTarget(env);
  logger.registerSecret(target.password);
  const couch = createCouchClient({ target });
  await waitForCouch(couch, logger);
  await setupDatabases(couch, logger);
  return { env, logger, couch };
}

/**
 * Calls `stop` once on SIGTERM, SIGINT, or when the parent process (npm start's supervisor) goes
 * away; a second signal while stopping exits at once.
 */
export function onStopSignal(logger: Logger, stop: (reason: string) => Promise<void>): void {
  let stopping = false;
  const handle = (reason: string) => {
    if (stopping) {
      logger.warn(`Second stop request (${reason}): exiting now`);
      process.exit(1);
    }
    stopping = true;
    stop(reason).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('Error while stopping', { reason: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
  if (process.send) {
    process.on('disconnect', () => handle('the parent process went away'));
  }
}

export interface WaitOptions {
  /** Give up after this long; undefined waits for ever. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Resolves once CouchDB answers, retrying with a growing pause and saying so in the log. */
export async function waitForCouch(couch: CouchClient, logger: Logger, options: WaitOptions = {}): Promise<void> {
  const started = Date.now();
  let pauseMs = 250;
  let said = false;
  for (;;) {
    try {
      await couch.ping(3000);
      if (said) {
        logger.info(`CouchDB at ${couch.target.publicServerUrl} is answering`);
      }
      return;
    } catch (err) {
      if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
        throw err;
      }
      if (!said || pauseMs >= 5000) {
        logger.warn(`Waiting for CouchDB at ${couch.target.publicServerUrl}: ${(err as Error).message}`);
        said = true;
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, pauseMs);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('stopped'));
        });
      });
      pauseMs = Math.min(pauseMs * 2, 5000);
    }
  }
}
