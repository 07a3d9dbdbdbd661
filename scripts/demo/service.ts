/**
 * The real service, started exactly as `npm start` starts it (node dist/bin/start.js: the embedded
 * store, the API and the sentinel as its children), on ports and a data directory of its own so
 * the demo never meets a service the user already runs.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { basicAuth, httpCall } from './http';
import { isListening, waitFor } from './wait';

const START_SCRIPT = path.join(__dirname, '..', '..', 'bin', 'start.js');
const READY_TIMEOUT_MS = 90000;
// start.js gives each part 15 s to stop; the store stops after the API and the sentinel.
const STOP_TIMEOUT_MS = 40000;

export interface ServiceOptions {
  dataDir: string;
  apiPort: number;
  couchPort: number;
  adminPassword: string;
  logLevel: 'warn' | 'info';
  /** Receives each line the service prints (its children share its stdout and stderr). */
  onLine: (line: string) => void;
}

export interface StopResult {
  /** How it ended: "exit code 0", "signal SIGKILL"... */
  ending: string;
  /** True when it had to be killed after not stopping in time. */
  killed: boolean;
  /** True when it had exited before it was asked to stop. */
  alreadyStopped: boolean;
  tookMs: number;
  /** Ports still answering after it ended (a part left behind). */
  portsStillOpen: number[];
}

export interface Service {
  readonly apiUrl: string;
  /** The embedded store's main database, e.g. http://127.0.0.1:5984/medic. */
  readonly dbUrl: string;
  /** Basic authorization of the store's admin user. */
  readonly adminAuth: string;
  /** Throws if the service has exited: a wait for it to answer must not go on. */
  assertRunning(): void;
  /** Resolves once GET /health answers 200 with CouchDB reachable. */
  waitUntilHealthy(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited in time. Safe to call more than once. */
  stop(): Promise<StopResult>;
}

function endingOf(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function childEnv(options: ServiceOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: options.dataDir,
    EMBEDDED_COUCH_PORT: String(options.couchPort),
    API_PORT: String(options.apiPort),
    COUCH_ADMIN_PASSWORD: options.adminPassword,
    LOG_LEVEL: options.logLevel,
  };
  // A COUCH_URL in the user's shell would point the service at their real CouchDB; the demo
  // always uses the embedded store in its temporary directory.
  delete env.COUCH_URL;
  return env;
}

function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) {
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
    }
  }
}

export function startService(options: ServiceOptions): Service {
  // Not detached: a Ctrl-C in the terminal reaches the service too, as it would under npm start.
  const child = spawn(process.execPath, ['--enable-source-maps', START_SCRIPT], { env: childEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
  forwardLines(child, options.onLine);
  let exit: { ending: string; at: number } | undefined;
  let spawnError: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { ending: endingOf(code, signal), at: Date.now() };
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err.message;
      exit = exit ?? { ending: `could not start: ${err.message}`, at: Date.now() };
      resolve();
    });
  });
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  let stopping: Promise<StopResult> | undefined;

  const assertRunning = () => {
    if (exit) {
      throw new Error(`the service stopped on its own (${spawnError ?? exit.ending}); any service log lines above say why`);
    }
  };

  const healthy = async (): Promise<true | undefined> => {
    const answer = await httpCall(`${apiUrl}/health`, { timeoutMs: 5000 });
    const body = answer.json as { couchdb?: { reachable?: boolean } } | undefined;
    return answer.status === 200 && body?.couchdb?.reachable === true ? true : undefined;
  };

  async function stopOnce(): Promise<StopResult> {
    const startedAt = Date.now();
    const alreadyStopped = exit !== undefined;
    let killed = false;
    if (!alreadyStopped) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    const portsStillOpen: number[] = [];
    for (const port of [options.apiPort, options.couchPort]) {
      if (await isListening(port)) {
        portsStillOpen.push(port);
      }
    }
    const tookMs = alreadyStopped ? 0 : (exit?.at ?? Date.now()) - startedAt;
    return { ending: exit?.ending ?? 'unknown', killed, alreadyStopped, tookMs, portsStillOpen };
  }

  return {
    apiUrl,
    dbUrl: `http://127.0.0.1:${options.couchPort}/medic`,
    adminAuth: basicAuth('admin', options.adminPassword),
    assertRunning,
    async waitUntilHealthy() {
      await waitFor(healthy, { what: `GET ${apiUrl}/health to answer 200`, timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, guard: assertRunning });
    },
    stop() {
      stopping = stopping ?? stopOnce();
      return stopping;
    },
  };
}
