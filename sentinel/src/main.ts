/**
 * `npm run start:sentinel`: the sentinel process. Several may run against one database; the
 * sender lease makes sure only one of them calls RapidPro at a time.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { packageInfo } from '../../config/version';
import { createVault } from '../../shared-libs/credentials/src';
import { describeError } from '../../shared-libs/logger/src';
import { connectComponent, onStopSignal } from '../../shared-libs/process/src';
import { createRapidProClient } from '../../shared-libs/rapidpro/src';
import { createSettingsStore } from '../../shared-libs/settings/src';
import { realClock } from './clock';
import { createSentinel } from './worker';

export function userAgent(): string {
  const { name, version } = packageInfo();
  return `${name}/${version} (Node.js ${process.version}; ${process.platform} ${process.arch})`;
}

async function main(): Promise<void> {
  const { logger, couch } = await connectComponent('sentinel');

  const sentinel = createSentinel({
    couch,
    vault: createVault({ couch, logger }),
    settings: createSettingsStore({ couch }),
    rapidpro: createRapidProClient({ userAgent: userAgent() }),
    clock: realClock,
    logger,
    identity: { id: `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`, host: os.hostname(), pid: process.pid },
  });
  await sentinel.start();
  process.send?.({ type: 'ready' });
  onStopSignal(logger, async (reason) => {
    logger.info(`Sentinel stopping (${reason})`);
    await sentinel.stop();
  });
}

main().catch((err) => {
  process.stderr.write(`The sentinel could not start: ${describeError(err)}\n`);
  process.exit(1);
});
