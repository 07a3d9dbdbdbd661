/**
 * What the demo runs with: its command-line flags and its three secrets. The secrets are generated
 * afresh on every run; DEMO_INCOMING_TOKEN, DEMO_RAPIDPRO_TOKEN and DEMO_ADMIN_PASSWORD may set
 * them instead, so that a test can check that none of them is ever printed.
 */
import crypto from 'node:crypto';

export interface DemoConfig {
  /** Show the service's info-level logs instead of warnings only. */
  verbose: boolean;
  /** The key RapidPro's flow webhook sends (credential rapidpro:incoming). */
  incomingToken: string;
  /** The simulated RapidPro workspace's API token (credential rapidpro:outgoing). */
  rapidproToken: string;
  /** Password of the embedded store's admin user. */
  adminPassword: string;
}

export const USAGE = `Usage: npm run demo [-- --verbose]

Runs the whole service against a simulated RapidPro and walks one incoming and one outgoing SMS
through it. --verbose also shows the service's own info-level logs.`;

export class UsageError extends Error {}

const generated = (): string => crypto.randomBytes(24).toString('base64url');

function secretFrom(env: NodeJS.ProcessEnv, name: string): string {
  const given = env[name];
  if (given === undefined || given === '') {
    return generated();
  }
  // Short values would be hidden inside ordinary words of the output; refuse them.
  if (given.length < 12 || /\s/.test(given)) {
    throw new UsageError(`${name} must be at least 12 characters, without spaces`);
  }
  return given;
}

export function readConfig(args: string[], env: NodeJS.ProcessEnv): DemoConfig {
  let verbose = false;
  for (const arg of args) {
    if (arg === '--verbose' || arg === '-v') {
      verbose = true;
    } else {
      throw new UsageError(arg === '--help' || arg === '-h' ? '' : `unknown option ${arg}`);
    }
  }
  return {
    verbose,
    incomingToken: secretFrom(env, 'DEMO_INCOMING_TOKEN'),
    rapidproToken: secretFrom(env, 'DEMO_RAPIDPRO_TOKEN'),
    adminPassword: secretFrom(env, 'DEMO_ADMIN_PASSWORD'),
  };
}
