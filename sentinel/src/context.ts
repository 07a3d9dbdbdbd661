/**
 * What a sentinel cycle needs before it may call RapidPro, read afresh each time: the settings
 * (sending on? which URL? how many calls an hour?), the `rapidpro:outgoing` token, and which
 * RapidPro account that token belongs to. When something is missing, the reason is said in words.
 *
 * The account is the workspace's uuid (GET workspace.json, asked once per token), so a new token
 * for the same workspace does not strand messages sent with the old one. Servers without that
 * endpoint are told apart by a fingerprint of the token (a truncated hash, never the token).
 */
import crypto from 'node:crypto';
import type { Vault } from '../../shared-libs/credentials/src';
import { CREDENTIAL_KEYS, CredentialUnreadableError } from '../../shared-libs/credentials/src';
import type { Logger } from '../../shared-libs/logger/src';
import type { RapidProClient, RapidProEndpoint, RapidProFailure } from '../../shared-libs/rapidpro/src';
import { describeFailure } from '../../shared-libs/rapidpro/src';
import type { AppSettings, RapidProConfig, SettingsStore } from '../../shared-libs/settings/src';
import { readSmsConfig } from '../../shared-libs/settings/src';
import type { Budget } from './budget';
import type { Clock } from './clock';
import { backoffMs } from './retry-policy';

export interface SendContext {
  endpoint: RapidProEndpoint;
  rapidpro: RapidProConfig & { url: string };
  account: string;
  settings: AppSettings;
}

export type ContextResult =
  | { ok: true; context: SendContext }
  /** `config` is set when settings are fine but RapidPro could not be asked who the token is. */
  | { ok: false; reason: string; config?: RapidProConfig; failure?: RapidProFailure; configKey?: string; paused?: string };

export function tokenFingerprint(token: string): string {
  return crypto.createHash('sha256').update(`rapidpro-token:${token}`).digest('hex').slice(0, 12);
}

export interface ContextSourceOptions {
  settings: SettingsStore;
  vault: Vault;
  rapidpro: RapidProClient;
  budget: Budget;
  logger: Logger;
  clock: Clock;
}

export interface ContextSource {
  /**
   * The context for this cycle. `mayCall(configKey)` is asked before RapidPro is called to learn
   * the account, so a pause (a refused token, a wrong URL) holds without spending requests.
   */
  current(mayCall?: (configKey: string) => boolean): Promise<ContextResult>;
}

/** Identifies what the operator configured: the URL and which token (by fingerprint). */
export function configKeyOf(endpoint: RapidProEndpoint): string {
  return `${endpoint.url}\n${tokenFingerprint(endpoint.token)}`;
}

type AccountResult = { ok: true; account: string } | { ok: false; reason: string; failure?: RapidProFailure };

export function createContextSource(options: ContextSourceOptions): ContextSource {
  const accounts = new Map<string, string>();
  /** Failed workspace lookups per configuration: the next try waits, growing, so a down RapidPro does not drain the budget. */
  const lookupFailures = new Map<string, { count: number; retryAt: number; reason: string; failure: RapidProFailure }>();

  /** The lookup under way per configuration: the send and poll loops share it rather than each asking. */
  const lookups = new Map<string, Promise<AccountResult>>();

  function account(endpoint: RapidProEndpoint, requestsPerHour: number): Promise<AccountResult> {
    const key = configKeyOf(endpoint);
    const known = accounts.get(key);
    if (known) {
      return Promise.resolve({ ok: true, account: known });
    }
    const failed = lookupFailures.get(key);
    if (failed && options.clock.now() < failed.retryAt) {
      return Promise.resolve({ ok: false, reason: failed.reason });
    }
    let lookup = lookups.get(key);
    if (!lookup) {
      lookup = lookUpAccount(endpoint, requestsPerHour, key, failed?.count ?? 0).finally(() => lookups.delete(key));
      lookups.set(key, lookup);
    }
    return lookup;
  }

  async function lookUpAccount(endpoint: RapidProEndpoint, requestsPerHour: number, key: string, failuresSoFar: number): Promise<AccountResult> {
    const slot = await options.budget.take('send', requestsPerHour, true);
    if (!slot.ok) {
      return { ok: false, reason: 'waiting for the request budget to look up the RapidPro workspace' };
    }
    const res = await options.rapidpro.workspace(endpoint);
    if (res.ok) {
      lookupFailures.delete(key);
      accounts.set(key, `workspace:${res.value.uuid}`);
      options.logger.info(`The RapidPro token belongs to workspace ${res.value.name ? `"${res.value.name}" ` : ''}(${res.value.uuid})`);
      return { ok: true, account: `workspace:${res.value.uuid}` };
    }
    if (res.failure.kind === 'misconfigured' && res.failure.status === 404) {
      const fallback = `token:${tokenFingerprint(endpoint.token)}`;
      accounts.set(key, fallback);
      return { ok: true, account: fallback };
    }
    const count = failuresSoFar + 1;
    const reason = `Cannot look up the RapidPro workspace: ${describeFailure(res.failure)}`;
    lookupFailures.set(key, { count, retryAt: options.clock.now() + backoffMs(count - 1, 2000, 5 * 60 * 1000), reason, failure: res.failure });
    return { ok: false, reason, failure: res.failure };
  }

  return {
    async current(mayCall = () => true) {
      const settings = await options.settings.get();
      const sms = readSmsConfig(settings);
      if (!sms.ok) {
        return { ok: false, reason: `The app settings are invalid: ${sms.problems.join('; ')}` };
      }
      const { outgoingService, rapidpro } = sms.config;
      if (outgoingService !== 'rapidpro') {
        return { ok: false, reason: `sms.outgoing_service is "${outgoingService}", not "rapidpro": nothing is sent through RapidPro` };
      }
      if (!rapidpro.url) {
        return { ok: false, reason: 'sms.rapidpro.url is not set: set it with PUT /api/v1/settings' };
      }
      let token: string | undefined;
      try {
        token = await options.vault.get(CREDENTIAL_KEYS.outgoing);
      } catch (err) {
        if (err instanceof CredentialUnreadableError) {
          return { ok: false, reason: err.message };
        }
        throw err;
      }
      if (!token) {
        return { ok: false, reason: `No ${CREDENTIAL_KEYS.outgoing} credential is stored: store the RapidPro API token with PUT /api/v1/credentials/${CREDENTIAL_KEYS.outgoing}` };
      }
      const endpoint = { url: rapidpro.url, token, timeoutMs: rapidpro.requestTimeoutMs };
      if (!accounts.has(configKeyOf(endpoint)) && !mayCall(configKeyOf(endpoint))) {
        return { ok: false, reason: 'paused', config: rapidpro, paused: configKeyOf(endpoint) };
      }
      const found = await account(endpoint, rapidpro.requestsPerHour);
      if (!found.ok) {
        return { ok: false, reason: found.reason, config: rapidpro, failure: found.failure, configKey: configKeyOf(endpoint) };
      }
      return { ok: true, context: { endpoint, rapidpro: { ...rapidpro, url: rapidpro.url }, account: found.account, settings } };
    },
  };
}
