/**
 * The parts of the service as child processes, started the way `npm start` starts them (the
 * compiled entry points under dist/, with --enable-source-maps), each telling us it is ready over
 * IPC. Their output goes to a log file per process, so a failed run can be looked into.
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readRss, Rss } from './proc';
import { SERVICE_NODE_FLAGS } from '../../config/node-flags';

/** dist/, where this file runs from as dist/bench/lib/service.js. */
export const DIST_ROOT = path.resolve(__dirname, '..', '..');

export const ENTRY_POINTS = {
  couch: path.join(DIST_ROOT, 'shared-libs', 'embedded-couch', 'src', 'main.js'),
  api: path.join(DIST_ROOT, 'api', 'src', 'main.js'),
  sentinel: path.join(DIST_ROOT, 'sentinel', 'src', 'main.js'),
} as const;

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The port it said it listens on, when it says one. */
  readonly port: number | undefined;
  rss(): Rss | undefined;
  /** Peak RSS seen so far (VmHWM, also read right before the process is stopped). */
  peakKb(): number;
  /** SIGTERM, then SIGKILL after the grace period; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  script: string;
  env: Record<string, string>;
  logFile: string;
  readyTimeoutMs?: number;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'a');
  const child = fork(options.script, [], {
    // BENCH_SERVICE_NODE_OPTIONS=<flags> passes Node flags to the API and the sentinel (not the
    // store), to try a setting out, e.g. a smaller V8 heap.
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.BENCH_SERVICE_NODE_OPTIONS && options.name !== 'store' ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
      ...options.env,
    },
    // BENCH_CPU_PROF_DIR=<dir> profiles every child (V8 .cpuprofile files), to find what limits a figure.
    execArgv: ['--enable-source-maps', ...(options.name === 'store' ? [] : SERVICE_NODE_FLAGS), ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [])],
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`${options.name} did not start`);
  }
  let peak = 0;
  const sample = () => {
    const r = readRss(pid);
    if (r) {
      peak = Math.max(peak, r.peakKb);
    }
    return r;
  };

  const port = await new Promise<number | undefined>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 30000} ms (log: ${options.logFile})`));
    }, options.readyTimeoutMs ?? 30000);
    child.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') {
        clearTimeout(timer);
        const p = (message as { port?: unknown }).port;
        resolve(typeof p === 'number' ? p : undefined);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before it was ready (code ${code}, signal ${signal}); log: ${options.logFile}`));
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    port,
    rss: sample,
    peakKb: () => {
      sample();
      return peak;
    },
    stop(graceMs = 15000) {
      stopping =
        stopping ??
        (async () => {
          sample();
          if (child.exitCode !== null || child.signalCode !== null) {
            return;
          }
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited(child);
          clearTimeout(timer);
        })();
      return stopping;
    },
  };
}
