/**
 * `npm start`: the whole service in one process tree. Starts the embedded store first when COUCH_URL
 * is not set, then the API and the sentinel; restarts a part that dies (with a growing pause), and on
 * SIGTERM or Ctrl-C stops the API and the sentinel first and the store last.
 */
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { readEnv } from '../config/env';
import { SERVICE_NODE_FLAGS } from '../config/node-flags';
import { packageInfo } from '../config/version';
import { createLogger, describeError, Logger } from '../shared-libs/logger/src';

type PartName = 'couch' | 'api' | 'sentinel';

const SCRIPTS: Record<PartName, string> = {
  couch: path.join(__dirname, '..', 'shared-libs', 'embedded-couch', 'src', 'main.js'),
  api: path.join(__dirname, '..', 'api', 'src', 'main.js'),
  sentinel: path.join(__dirname, '..', 'sentinel', 'src', 'main.js'),
};
const STOP_GRACE_MS = 15000;
const READY_TIMEOUT_MS = 60000;
const HEALTHY_AFTER_MS = 60000;

interface Part {
  name: PartName;
  child?: ChildProcess;
  startedAt: number;
  restartDelayMs: number;
}

function startChild(part: Part, logger: Logger, onExit: (code: number | null, signal: NodeJS.Signals | null) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Each part in its own process group: a terminal's Ctrl-C reaches only this supervisor, which
    // then stops the parts in order (the store last). A part whose supervisor dies stops itself.
    const execArgv = ['--enable-source-maps', ...(part.name === 'couch' ? [] : SERVICE_NODE_FLAGS)];
    const child = fork(SCRIPTS[part.name], [], { stdio: 'inherit', execArgv, detached: true });
    part.child = child;
    part.startedAt = Date.now();
    let ready = false;
    const timer = setTimeout(() => {
      if (!ready) {
        logger.warn(`The ${part.name} process has not said it is ready after ${READY_TIMEOUT_MS / 1000} s; still waiting`);
      }
    }, READY_TIMEOUT_MS);
    child.on('message', (msg: { type?: string }) => {
      if (msg?.type === 'ready' && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      part.child = undefined;
      if (!ready) {
        reject(new Error(`the ${part.name} process exited before it was ready (${signal ?? `code ${code}`})`));
      }
      onExit(code, signal);
    });
  });
}

function stopChild(part: Part): Promise<void> {
  const child = part.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const env = readEnv();
  const logger = createLogger({ component: 'service', level: env.logLevel });
  const { name, version } = packageInfo();
  logger.info(`Starting ${name} ${version}`);
  let stopping = false;
  const parts: Part[] = [];

  const supervise = (part: Part) => (code: number | null, signal: NodeJS.Signals | null) => {
    if (stopping) {
      return;
    }
    if (Date.now() - part.startedAt > HEALTHY_AFTER_MS) {
      part.restartDelayMs = 1000;
    }
    logger.error(`The ${part.name} process stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it in ${part.restartDelayMs / 1000} s`);
    const delay = part.restartDelayMs;
    part.restartDelayMs = Math.min(part.restartDelayMs * 2, 30000);
    setTimeout(() => {
      if (!stopping) {
        startChild(part, logger, supervise(part)).catch((err) => logger.error(describeError(err)));
      }
    }, delay);
  };

  const stopAll = async (reason: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info(`Stopping (${reason})`);
    await Promise.all(parts.filter((p) => p.name !== 'couch').map(stopChild));
    await Promise.all(parts.filter((p) => p.name === 'couch').map(stopChild));
    logger.info('Stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
  process.on('SIGINT', () => void stopAll('SIGINT'));

  const names: PartName[] = env.couchUrl ? ['api', 'sentinel'] : ['couch', 'api', 'sentinel'];
  if (env.couchUrl) {
    logger.info('COUCH_URL is set: using that CouchDB');
  } else {
    logger.info(`COUCH_URL is not set: starting the embedded store (data in ${env.dataDir})`);
  }
  const start = async (partName: PartName): Promise<void> => {
    const part: Part = { name: partName, startedAt: Date.now(), restartDelayMs: 1000 };
    parts.push(part);
    await startChild(part, logger, supervise(part));
  };
  if (names.includes('couch')) {
    try {
      await start('couch');
    } catch (err) {
      logger.error(`Cannot start: ${describeError(err)}`);
      stopping = true;
      process.exit(1);
    }
  }
  // The API and the sentinel each wait for CouchDB on their own; neither waits for the other.
  const results = await Promise.allSettled([start('api'), start('sentinel')]);
  for (const result of results) {
    if (result.status === 'rejected') {
      logger.error(describeError(result.reason));
    }
  }
  logger.info(`Running: ${names.join(', ')}. Press Ctrl-C to stop.`);
}

main().catch((err) => {
  process.stderr.write(`Could not start: ${describeError(err)}\n`);
  process.exit(1);
});
