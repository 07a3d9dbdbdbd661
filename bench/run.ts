/**
 * `npm run bench`: starts the real parts of the service (the embedded store, the API, the sentinel
 * code) against the RapidPro simulator, runs the scenarios one after another, and prints one table
 * of figures, with the machine they ran on. Progress goes to stderr, the table to stdout.
 *
 *   npm run bench -- --only webhook,send --messages 500 --json bench.json
 */
import fs from 'node:fs';
import { describeMachine, machineInfo } from './machine';
import { elapsedSinceStartMs, progress } from './lib/log';
import { renderNotes, renderTable, Row } from './lib/report';
import { BenchOptions, Context, DEFAULT_OPTIONS, Scenario } from './lib/scenario';
import { makeWorkDir, startStore } from './lib/store';
import { backlog } from './scenarios/backlog';
import { budget, bulk } from './scenarios/hour';
import { latency } from './scenarios/latency';
import { memory } from './scenarios/memory';
import { send } from './scenarios/send';
import { webhook } from './scenarios/webhook';

const SCENARIOS: Scenario[] = [webhook, send, latency, budget, bulk, backlog, memory];

/** Numeric options: flag → key of BenchOptions. */
const NUMERIC: Record<string, keyof BenchOptions> = {
  '--webhook-seconds': 'webhookSeconds',
  '--concurrency': 'concurrency',
  '--messages': 'messages',
  '--max-delivered-seconds': 'maxDeliveredSeconds',
  '--poll-seconds': 'pollSeconds',
  '--scale': 'scale',
  '--budget-scale': 'budgetScale',
  '--requests-per-hour': 'requestsPerHour',
  '--budget-messages': 'budgetMessages',
  '--bulk-texts': 'bulkTexts',
  '--bulk-recipients': 'bulkRecipients',
  '--samples': 'samples',
  '--backlog': 'backlog',
  '--cycles': 'cycles',
};

interface Cli {
  options: BenchOptions;
  only?: string[];
  json?: string;
}

function usage(): string {
  const flags = Object.entries(NUMERIC)
    .map(([flag, key]) => `  ${flag} N`.padEnd(30) + `(default ${DEFAULT_OPTIONS[key]})`)
    .join('\n');
  return [
    'Usage: npm run bench -- [--only a,b] [--json file] [--keep] [options]',
    `Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(9)} ${s.describe}`),
    'Options:',
    flags,
    '  --keep                      keep the work directory (logs, data)',
  ].join('\n');
}

function parseArgs(argv: string[]): Cli {
  const options: BenchOptions = { ...DEFAULT_OPTIONS };
  const cli: Cli = { options };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${arg} needs a value`);
      }
      return v;
    };
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    } else if (arg === '--only') {
      cli.only = value().split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = cli.only.filter((n) => !SCENARIOS.some((s) => s.name === n));
      if (unknown.length) {
        throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
      }
    } else if (arg === '--json') {
      cli.json = value();
    } else if (arg === '--keep') {
      options.keep = true;
    } else if (NUMERIC[arg]) {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) {
        throw new Error(`${arg} needs a positive number`);
      }
      (options[NUMERIC[arg]] as number) = n;
    } else {
      throw new Error(`unknown argument ${arg}\n${usage()}`);
    }
  }
  return cli;
}

/** memory needs the scenarios it reads peaks from. */
function selected(only: string[] | undefined): Scenario[] {
  if (!only) {
    return SCENARIOS;
  }
  const names = new Set(only);
  if (names.has('memory')) {
    names.add('webhook');
    names.add('send');
  }
  return SCENARIOS.filter((s) => names.has(s.name));
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const scenarios = selected(cli.only);
  progress(`machine: ${describeMachine(machine)}`);
  progress(`scenarios: ${scenarios.map((s) => s.name).join(', ')}`);
  const workDir = makeWorkDir();
  progress(`work directory (logs, data): ${workDir}`);
  const store = await startStore(workDir);
  progress(`embedded store: pid ${store.process.pid}, port ${store.port}`);
  const ctx: Context = { store, options: cli.options, peaks: [] };
  const rows: Row[] = [];
  const timings: Record<string, number> = {};
  let failed = false;
  try {
    for (const scenario of scenarios) {
      const t0 = Date.now();
      progress(`── ${scenario.name}: ${scenario.describe}`);
      try {
        rows.push(...(await scenario.run(ctx)));
      } catch (err) {
        failed = true;
        progress(`${scenario.name} could not finish: ${(err as Error).stack ?? String(err)}`);
        rows.push({ scenario: scenario.name, figure: 'did not finish', value: (err as Error).message, reference: '', target: '', met: false });
      }
      timings[scenario.name] = Date.now() - t0;
      progress(`${scenario.name} took ${Math.round(timings[scenario.name] / 1000)} s`);
    }
  } finally {
    await store.close();
    if (cli.options.keep) {
      progress(`kept ${workDir}`);
    } else {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }
  const totalS = Math.round(elapsedSinceStartMs() / 1000);
  const out = [
    `Machine: ${describeMachine(machine)}`,
    `Run: ${new Date().toISOString()}, ${totalS} s in all`,
    '',
    renderTable(rows),
    '',
    'How each figure is measured:',
    renderNotes(rows),
    '',
  ].join('\n');
  process.stdout.write(out);
  if (cli.json) {
    const json = { machine, options: cli.options, run: { finished: new Date().toISOString(), seconds: totalS, scenario_seconds: timings }, rows };
    fs.writeFileSync(cli.json, `${JSON.stringify(json, null, 2)}\n`);
    progress(`wrote ${cli.json}`);
  }
  if (failed) {
    process.exitCode = 1;
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(2);
});
