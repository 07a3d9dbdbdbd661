/**
 * `npm run demo` end to end: the built demo runs as a child process, exactly as a newcomer would
 * run it, and its output must tell the whole story (message in, retry, message out until
 * delivered, service stopped) without ever showing a secret. The secrets are passed in through
 * the demo's DEMO_* overrides so this test knows what must not appear.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const DEMO = path.join(__dirname, '..', '..', 'scripts', 'demo.js');
const RUN_TIMEOUT_MS = 90000;

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runDemo(env: NodeJS.ProcessEnv): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', DEMO], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    // SIGTERM lets the demo stop the service it started; the test fails on the exit it causes.
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS - 5000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** A secret the output could not contain by chance. */
const secret = (label: string): string => `${label}-${crypto.randomBytes(12).toString('hex')}`;

describe('npm run demo (end to end)', function () {
  this.timeout(RUN_TIMEOUT_MS + 10000);

  const secrets = {
    DEMO_INCOMING_TOKEN: secret('incoming'),
    DEMO_RAPIDPRO_TOKEN: secret('rapidpro'),
    DEMO_ADMIN_PASSWORD: secret('admin'),
  };
  let run: DemoRun;

  before(async () => {
    run = await runDemo(secrets);
  });

  it('exits 0 after every step worked', () => {
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.match(/Demo finished: every step worked\./);
    expect(run.output).to.not.match(/ failed$|The demo failed/m);
  });

  it('stores the incoming SMS as a data_record with its form and sender', () => {
    expect(run.output).to.match(/Receiving an SMS the way a RapidPro flow webhook sends it \.\.\. ok/);
    expect(run.output).to.contain('-> 200 {"saved":1}');
    expect(run.output).to.match(/_id: [0-9a-f-]{36}, type: data_record/);
    expect(run.output).to.contain('form: "REG", from: "+254712345678"');
  });

  it('answers the retried webhook as a duplicate, without a second document', () => {
    expect(run.output).to.match(/Posting the same webhook again, as a retry would \.\.\. ok \(duplicate detected\)/);
    expect(run.output).to.contain('-> 200 {"saved":0,"duplicate":true}');
    expect(run.output).to.contain('CouchDB still holds exactly 1 document for this message');
  });

  it('follows the outgoing SMS through RapidPro until delivered', () => {
    expect(run.output).to.match(/RapidPro received broadcast \d+ to tel:\+254712345678: "Hello Sarah/);
    const states = [...run.output.matchAll(/CHT task: ([a-z-]+)/g)].map((m) => m[1]);
    expect(states[0]).to.equal('pending');
    expect(states.at(-1)).to.equal('delivered');
    expect(run.output).to.match(/ok \(delivered after \d+\.\d s\)/);
    expect(run.output).to.match(/state_history on the task[\s\S]*Z {2}pending\n[\s\S]*Z {2}delivered \(Delivered\)/);
  });

  it('shows the sentinel part of /health', () => {
    expect(run.output).to.match(/"state": "sending"/);
    expect(run.output).to.match(/"last_poll_cycle": "/);
  });

  it('stops the service cleanly and removes its temporary data', () => {
    expect(run.output).to.match(/Stopping the service with SIGTERM.* \.\.\. ok \(exit code 0 after/);
    expect(run.output).to.contain('nothing listens on their ports any more');
    const dataDir = /data: +(\S+) \(temporary/.exec(run.output)?.[1];
    expect(dataDir, 'the data directory is named in the output').to.be.a('string');
    expect(fs.existsSync(dataDir as string), `${dataDir} is removed`).to.equal(false);
  });

  it('never prints a secret, and the service never logged one', () => {
    for (const [name, value] of Object.entries(secrets)) {
      expect(run.output.includes(value), `${name} appears in the output`).to.equal(false);
    }
    expect(run.output).to.contain('(hidden)');
    expect(run.output).to.not.contain('held one of the secrets');
  });
});
