/**
 * Service parts the scenarios assemble: the RapidPro simulator, the sentinel as a child process
 * (production entry point, real clock) or in this process (for a scaled clock, or for its events),
 * and the app settings that point the sentinel at the simulator.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createRapidProClient } from '../../shared-libs/rapidpro/src';
import type { RapidProSettings } from '../../shared-libs/settings/src';
import type { Clock } from '../../sentinel/src/clock';
import { createSentinel, Sentinel, SentinelOptions } from '../../sentinel/src/worker';
import { createRapidProSimulator, DEFAULT_TOKEN, RapidProSimulator, SimulatorOptions } from '../../test/rapidpro-simulator';
import { ENTRY_POINTS, ServiceProcess, spawnService } from './service';
import type { BenchDb, Store } from './store';

export const SIM_TOKEN = DEFAULT_TOKEN;

export async function startSimulator(options: Partial<SimulatorOptions>): Promise<RapidProSimulator> {
  const sim = createRapidProSimulator(options);
  await sim.listen(0, '127.0.0.1');
  return sim;
}

/** App settings that send through the simulator, with the outgoing token in the vault. */
export async function pointAtSimulator(db: BenchDb, sim: RapidProSimulator, rapidpro: Partial<RapidProSettings> = {}): Promise<void> {
  await db.vault.set('rapidpro:outgoing', SIM_TOKEN);
  await db.settings.update(
    { default_country_code: 254, sms: { outgoing_service: 'rapidpro', rapidpro: { url: sim.url, ...rapidpro } } },
    { replace: true },
  );
}

/** The sentinel as `npm run start:sentinel` runs it, on this scenario's database. */
export async function spawnSentinel(store: Store, db: BenchDb, name: string): Promise<ServiceProcess> {
  const proc = await spawnService({
    name: 'sentinel',
    script: ENTRY_POINTS.sentinel,
    env: { COUCH_URL: store.couchUrl(db.name), LOG_LEVEL: 'info' },
    logFile: path.join(store.workDir, 'logs', `${name}-sentinel.log`),
  });
  return proc;
}

export function inProcessSentinel(db: BenchDb, clock: Clock, options: Partial<SentinelOptions> = {}): Sentinel {
  return createSentinel({
    couch: db.couch,
    vault: db.vault,
    settings: db.settings,
    rapidpro: createRapidProClient({ userAgent: 'cht-rapidpro-gateway/bench' }),
    clock,
    logger: db.logger,
    identity: { id: `${os.hostname()}:${process.pid}:bench-${crypto.randomBytes(3).toString('hex')}`, host: os.hostname(), pid: process.pid },
    options,
  });
}
