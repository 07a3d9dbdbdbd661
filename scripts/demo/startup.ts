/**
 * Steps 1, 2 and the last one: starting the simulated RapidPro and the real service, and stopping
 * them again. Everything started is recorded in `Resources`, so that a failure or a Ctrl-C at any
 * point can still stop the service and remove the temporary data.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RapidProSimulator } from '../../test/rapidpro-simulator';
import type { DemoConfig } from './config';
import { HIDDEN, Narrator, seconds } from './narrator';
import { Service, startService, StopResult } from './service';
import { DEMO_PROGRESSION, startSimulator } from './simulator';
import { freePorts } from './wait';

/** What the demo has started so far, and has to undo. */
export interface Resources {
  sim?: RapidProSimulator;
  service?: Service;
  dataDir?: string;
}

export async function startSimulatorStep(narrator: Narrator, config: DemoConfig, resources: Resources): Promise<RapidProSimulator> {
  return narrator.step('Starting a simulated RapidPro in this process', async (log) => {
    const sim = await startSimulator(config.rapidproToken);
    resources.sim = sim;
    const steps = DEMO_PROGRESSION.progression.map((step) => `${step.status} at ${seconds(step.afterMs)}`).join(', ');
    log.note(sim.url);
    log.detail(`workspace API token: ${HIDDEN}`);
    log.detail(`a broadcast's message is created after ${seconds(DEMO_PROGRESSION.messageCreationDelayMs)}, then reported ${steps}`);
    return sim;
  });
}

export async function startServiceStep(narrator: Narrator, config: DemoConfig, resources: Resources): Promise<Service> {
  return narrator.step('Starting the service the way `npm start` does (store, API, sentinel)', async (log) => {
    const startedAt = Date.now();
    // A fresh directory: the demo never touches ./data or a service the user already runs.
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cht-rapidpro-demo-'));
    resources.dataDir = dataDir;
    const [apiPort, couchPort] = await freePorts(2);
    const service = startService({
      dataDir,
      apiPort,
      couchPort,
      adminPassword: config.adminPassword,
      logLevel: config.verbose ? 'info' : 'warn',
      onLine: (line) => narrator.serviceLine(line),
    });
    resources.service = service;
    await service.waitUntilHealthy();
    log.note(`GET /health answered after ${seconds(Date.now() - startedAt)}`);
    log.detail(`node dist/bin/start.js, with LOG_LEVEL=${config.verbose ? 'info' : 'warn (run with -- --verbose to see more)'}`);
    log.detail(`API:   ${service.apiUrl}`);
    log.detail(`store: http://127.0.0.1:${couchPort} (embedded, CouchDB-compatible), user admin, password ${HIDDEN}`);
    log.detail(`data:  ${dataDir} (temporary, removed at the end)`);
    return service;
  });
}

function describeStop(result: StopResult): string {
  return result.alreadyStopped ? `it had already ended: ${result.ending}` : `${result.ending} after ${seconds(result.tookMs)}`;
}

/** The last numbered step: a stop that needs SIGKILL, fails or leaves a port open is a failure. */
export async function stopServiceStep(narrator: Narrator, service: Service): Promise<void> {
  await narrator.step('Stopping the service with SIGTERM, as Ctrl-C on `npm start` would', async (log) => {
    const result = await service.stop();
    if (result.alreadyStopped) {
      throw new Error(`it had stopped on its own before (${result.ending})`);
    }
    if (result.killed) {
      throw new Error(`it did not stop in time and had to be killed (${describeStop(result)})`);
    }
    if (result.ending !== 'exit code 0') {
      throw new Error(`it ended with ${describeStop(result)}`);
    }
    if (result.portsStillOpen.length) {
      throw new Error(`it exited, but something still listens on port(s) ${result.portsStillOpen.join(', ')}`);
    }
    log.note(describeStop(result));
    log.detail('store, API and sentinel have all stopped: nothing listens on their ports any more');
  });
}

/**
 * Stops whatever is still running and removes the temporary data; never throws. Returns what went
 * wrong, in words, so the caller can fail the run.
 */
export async function release(narrator: Narrator, resources: Resources): Promise<string[]> {
  const problems: string[] = [];
  const done: string[] = [];
  const attempt = async (what: string, action: () => Promise<void>, doneWords: string) => {
    try {
      await action();
      done.push(doneWords);
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const { service, sim, dataDir } = resources;
  if (service) {
    await attempt(
      'stopping the service',
      async () => {
        const result = await service.stop();
        narrator.say(`The service is stopped (${describeStop(result)}${result.killed ? ', killed after not stopping in time' : ''}).`);
      },
      'service stopped',
    );
  }
  if (sim) {
    await attempt('closing the simulated RapidPro', () => sim.close(), 'simulated RapidPro closed');
  }
  if (dataDir) {
    await attempt(`removing ${dataDir}`, () => fs.rm(dataDir, { recursive: true, force: true, maxRetries: 3 }), 'temporary data removed');
  }
  if (done.length) {
    narrator.say(`Cleaned up: ${done.join(', ')}.`);
  }
  return problems;
}
