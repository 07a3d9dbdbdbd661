import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { optionsFromArgs } from '../../rapidpro-simulator/main';
import { call } from './helpers';

const MAIN = join(__dirname, '..', '..', 'rapidpro-simulator', 'main.js');

/** Starts the CLI and resolves with its first stdout line. */
async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before logging`)));
  });
  return { child, line };
}

describe('rapidpro-simulator: command line', () => {
  it('starts, logs where it listens and its tokens, answers, and stops on SIGTERM', async () => {
    const { child, line } = await start(['--port', '0', '--mode', 'upstream', '--token', 'one', '--token', 'two', '--rate', 'v2.messages=1']);
    const m = /^RapidPro simulator \(upstream\) listening on (http:\/\/127\.0\.0\.1:\d+) tokens: one, two$/.exec(line);
    expect(m, line).to.not.equal(null);
    const url = (m as RegExpExecArray)[1];
    expect((await call(`${url}/api/v2/messages.json`, { token: 'two' })).status).to.equal(200);
    expect((await call(`${url}/api/v2/messages.json`, { token: 'two' })).status).to.equal(429);
    expect((await call(`${url}/api/v2/messages.json`, { token: 'one' })).status).to.equal(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).to.equal(0);
  });

  it('reads the port from RAPIDPRO_SIM_PORT and prints help', async () => {
    const parsed = optionsFromArgs([], { RAPIDPRO_SIM_PORT: '9123' });
    expect(parsed).to.deep.include({ port: 9123, host: '127.0.0.1', help: false });
    expect(parsed.options.workspaces).to.deep.equal([{ token: 'sim-token', name: 'Workspace 1', country: undefined }]);
    const flags = optionsFromArgs(['--port', '1', '--page-size', '10', '--creation-delay-ms', '0', '--rate', 'v2=5', '--country', 'KE'], {});
    expect(flags.options).to.deep.include({ pageSize: 10, messageCreationDelayMs: 0 });
    expect(flags.options.throttle?.rates).to.deep.equal({ v2: 5 });
    expect(() => optionsFromArgs(['--rate', 'v2'], {})).to.throw(/scope=N/);
    expect(() => optionsFromArgs(['--bogus'], {})).to.throw();

    const help = spawn(process.execPath, [MAIN, '--help'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    help.stdout.on('data', (c: Buffer) => (text += c.toString()));
    const [code] = (await once(help, 'exit')) as [number | null];
    expect(code).to.equal(0);
    expect(text).to.contain('--creation-delay-ms');
  });
});
