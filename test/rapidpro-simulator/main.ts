/**
 * Command line: `npm run rapidpro-sim -- --port 8001 --mode upstream --token abc --rate v2.messages=100`.
 */
import { parseArgs } from 'node:util';
import { createScaledClock, realClock } from './clock';
import { DEFAULT_TOKEN } from './options';
import { createRapidProSimulator } from './server';
import type { ApiLine, SimulatorOptions, ThrottleRates, ThrottleScope } from './types';

const HELP = `RapidPro API v2 simulator

Usage: node dist/test/rapidpro-simulator/main.js [options]

  --port <n>               port to listen on (env RAPIDPRO_SIM_PORT, default 8001; 0 = any free port)
  --host <h>               address to bind (default 127.0.0.1)
  --mode rp9|upstream      RapidPro line to imitate (default rp9)
  --token <t>              API token of a workspace; repeat for more workspaces (default ${DEFAULT_TOKEN})
  --country <CC>           default country of the workspaces, for local phone numbers (e.g. KE)
  --rate <scope>=<n>       requests per window for v2, v2.broadcasts or v2.messages (repeatable)
  --window-ms <n>          throttle window (default 3600000)
  --page-size <n>          page size of list endpoints (default 250)
  --creation-delay-ms <n>  delay before a broadcast's messages are created (default 1000)
  --time-scale <n>         simulated time runs n times faster than real time (default 1)
  --help                   show this help

Control endpoints live under /_sim/ (see test/rapidpro-simulator/README.md).`;

function int(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv): { port: number; host: string; options: Partial<SimulatorOptions>; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      mode: { type: 'string' },
      token: { type: 'string', multiple: true },
      country: { type: 'string' },
      rate: { type: 'string', multiple: true },
      'window-ms': { type: 'string' },
      'page-size': { type: 'string' },
      'creation-delay-ms': { type: 'string' },
      'time-scale': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const mode = (values.mode ?? 'rp9') as ApiLine;
  if (mode !== 'rp9' && mode !== 'upstream') throw new Error(`--mode must be rp9 or upstream, got ${mode}`);
  const rates: ThrottleRates = {};
  for (const r of values.rate ?? []) {
    const m = /^([\w.]+)=(\d+)$/.exec(r);
    if (!m) throw new Error(`--rate expects scope=N, got ${r}`);
    rates[m[1] as ThrottleScope] = Number(m[2]);
  }
  const scale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!(scale > 0)) throw new Error('--time-scale must be > 0');
  const tokens = values.token ?? [DEFAULT_TOKEN];
  const options: Partial<SimulatorOptions> = {
    mode,
    workspaces: tokens.map((token, i) => ({ token, name: `Workspace ${i + 1}`, country: values.country })),
    throttle: { rates, windowMs: int('window-ms', values['window-ms'], 1) },
    clock: scale === 1 ? realClock : createScaledClock({ scale }),
  };
  const pageSize = int('page-size', values['page-size'], 1);
  if (pageSize !== undefined) options.pageSize = pageSize;
  const delay = int('creation-delay-ms', values['creation-delay-ms'], 0);
  if (delay !== undefined) options.messageCreationDelayMs = delay;
  return {
    port: int('port', values.port ?? env.RAPIDPRO_SIM_PORT, 0) ?? 8001,
    host: values.host ?? '127.0.0.1',
    options,
    help: values.help === true,
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof optionsFromArgs>;
  try {
    parsed = optionsFromArgs(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const sim = createRapidProSimulator(parsed.options);
  const url = await sim.listen(parsed.port, parsed.host);
  const tokens = sim.options.workspaces.map((w) => w.token).join(', ');
  process.stdout.write(`RapidPro simulator (${sim.options.mode}) listening on ${url} tokens: ${tokens}\n`);
  const stop = (signal: string): void => {
    sim.close().then(
      () => {
        process.stdout.write(`RapidPro simulator stopped (${signal})\n`);
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
