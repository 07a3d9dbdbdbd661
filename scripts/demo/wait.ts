/**
 * Waiting for a condition by polling it against a deadline: the demo never sleeps a fixed time and
 * hopes, so it is as fast as the machine allows and says clearly what it was waiting for.
 */
import net from 'node:net';

export interface WaitOptions {
  /** Words for the error: "timed out after 30 s waiting for <what>". */
  what: string;
  timeoutMs: number;
  intervalMs: number;
  /** Called before each try; throwing ends the wait at once (e.g. the service has exited). */
  guard?: () => void;
}

/** Thrown by a check to end the wait at once: the condition can no longer come true. */
export class GiveUp extends Error {}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until it returns a value other than undefined. Errors thrown by `check` count as
 * "not yet" (a server still starting refuses connections); the last one is named on time-out.
 * A GiveUp error ends the wait at once.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem: string | undefined;
  for (;;) {
    options.guard?.();
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
      lastProblem = undefined;
    } catch (err) {
      if (err instanceof GiveUp) {
        throw err;
      }
      lastProblem = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}${lastProblem ? ` (last problem: ${lastProblem})` : ''}`);
    }
    await pause(options.intervalMs);
  }
}

/** Ports nobody uses right now, found by letting the system pick them (listening on port 0). */
export async function freePorts(count: number): Promise<number[]> {
  // All servers stay open until every port is known, so the system cannot hand out one port twice.
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
