/**
 * `npm run demo`: the whole service, started as `npm start` starts it, against a simulated RapidPro
 * in this process, configured through its HTTP API, with one SMS in (and its retry) and one SMS
 * out followed until delivered. Prints numbered steps in plain words; exits 0 when every step
 * worked, 1 naming the step that did not. The service is stopped and the temporary data removed
 * in every case, also on Ctrl-C.
 */
import { readConfig, DemoConfig, USAGE, UsageError } from './demo/config';
import { storeCredentials, pointAtSimulator } from './demo/configure';
import { openDatabase } from './demo/couch';
import { receiveRetry, receiveSms, sampleIncomingSms } from './demo/incoming';
import { createNarrator, errorMessage, Narrator, StepFailed } from './demo/narrator';
import { followOutgoing, queueOutgoing, showHealth, waitForSending } from './demo/outgoing';
import { release, Resources, startServiceStep, startSimulatorStep, stopServiceStep } from './demo/startup';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

async function runStory(narrator: Narrator, config: DemoConfig, resources: Resources): Promise<void> {
  const sim = await startSimulatorStep(narrator, config, resources);
  const service = await startServiceStep(narrator, config, resources);
  const ctx = { narrator, config, sim, service, db: openDatabase(service.dbUrl, service.adminAuth) };

  await storeCredentials(ctx);
  await pointAtSimulator(ctx);

  const incoming = sampleIncomingSms();
  await receiveSms(ctx, incoming);
  await receiveRetry(ctx, incoming);

  await waitForSending(ctx);
  const outgoing = await queueOutgoing(ctx);
  const delivered = await followOutgoing(ctx, outgoing);
  await showHealth(ctx, delivered.state_history?.at(-1)?.timestamp ?? new Date().toISOString());

  try {
    await stopServiceStep(narrator, service);
  } finally {
    // Stopped (or killed) either way: the clean-up must not report it a second time.
    resources.service = undefined;
  }
}

function reportFailure(narrator: Narrator, err: unknown): void {
  narrator.say('');
  if (err instanceof StepFailed) {
    narrator.say(`The demo failed at step ${err.stepNumber} (${err.title}):`);
    narrator.say(`   ${err.reason}`);
  } else {
    narrator.say(`The demo failed: ${errorMessage(err)}`);
  }
  narrator.say('Stopping everything ...');
}

/** Ctrl-C (or SIGTERM) at any moment: stop the service, close the simulator, remove the data. */
function handleInterrupts(narrator: Narrator, resources: Resources, state: { interrupted: boolean }): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (state.interrupted) {
      narrator.say(`${signal} again: leaving at once${resources.dataDir ? `; ${resources.dataDir} may be left behind` : ''}.`);
      process.exit(EXIT_INTERRUPTED);
    }
    state.interrupted = true;
    narrator.say('');
    narrator.say(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping everything ...`);
    void release(narrator, resources).then((problems) => {
      problems.forEach((problem) => narrator.say(`Could not clean up: ${problem}`));
      process.exit(EXIT_INTERRUPTED);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function main(): Promise<number> {
  const narrator = createNarrator();
  let config: DemoConfig;
  try {
    config = readConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message ? `${err.message}\n\n` : ''}${USAGE}\n`);
      return err.message ? EXIT_USAGE : EXIT_OK;
    }
    throw err;
  }
  [config.incomingToken, config.rapidproToken, config.adminPassword].forEach((secret) => narrator.addSecret(secret));
  const resources: Resources = {};
  const state = { interrupted: false };
  handleInterrupts(narrator, resources, state);

  narrator.say('RapidPro gateway demo: the real service, a simulated RapidPro, one SMS in and one SMS out.');
  narrator.say('The tokens and the admin password are generated for this run and shown as (hidden).');
  narrator.say("Lines marked [service] are the service's own log (warnings only, unless run with -- --verbose).");
  narrator.say('');
  let failed = false;
  try {
    await runStory(narrator, config, resources);
  } catch (err) {
    if (state.interrupted) {
      // The interrupt handler is already stopping everything and will exit.
      return new Promise<number>(() => undefined);
    }
    failed = true;
    reportFailure(narrator, err);
  }
  const problems = await release(narrator, resources);
  problems.forEach((problem) => narrator.say(`Could not clean up: ${problem}`));
  if (narrator.secretsSeenInServiceLogs > 0) {
    narrator.say(`Warning: ${narrator.secretsSeenInServiceLogs} service log line(s) held one of the secrets; they were printed with it hidden.`);
  }
  if (failed || problems.length) {
    return EXIT_FAILED;
  }
  narrator.say('');
  narrator.say('Demo finished: every step worked.');
  return EXIT_OK;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`The demo could not run: ${errorMessage(err)}\n`);
    process.exit(EXIT_FAILED);
  },
);
