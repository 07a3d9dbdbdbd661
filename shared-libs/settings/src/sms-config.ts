/**
 * The typed view of the app settings the sentinel acts on, with CONTRACT §4's defaults. Read afresh
 * every cycle, so a change takes effect without a restart.
 */
import type { AppSettings } from './types';
import { validateSettings } from './schema';

export interface RapidProConfig {
  /** Base URL without a trailing slash, e.g. https://textit.in or https://host/prefix. */
  url?: string;
  /** Ceiling on RapidPro API calls in any sliding hour, sends and polls together. @defaultValue 2500 */
  requestsPerHour: number;
  /** Time between status checks in milliseconds. @defaultValue 60000 */
  pollIntervalMs: number;
  /** Messages without a final status after this long are no longer followed. @defaultValue 48 h */
  trackingMaxAgeMs: number;
  /** Time allowed for one call to RapidPro. @defaultValue 30000 */
  requestTimeoutMs: number;
}

export interface SmsConfig {
  outgoingService: string;
  rapidpro: RapidProConfig;
}

export const DEFAULTS = {
  outgoingService: 'medic-gateway',
  requestsPerHour: 2500,
  pollIntervalSeconds: 60,
  trackingMaxAgeHours: 48,
  requestTimeoutSeconds: 30,
} as const;

export type SmsConfigResult = { ok: true; config: SmsConfig } | { ok: false; problems: string[] };

export function readSmsConfig(settings: AppSettings): SmsConfigResult {
  const problems = validateSettings(settings);
  if (problems.length) {
    return { ok: false, problems: problems.map((p) => p.message) };
  }
  const sms = settings.sms ?? {};
  const rp = sms.rapidpro ?? {};
  const url = typeof rp.url === 'string' && rp.url.trim() ? rp.url.trim().replace(/\/+$/, '') : undefined;
  return {
    ok: true,
    config: {
      outgoingService: sms.outgoing_service ?? DEFAULTS.outgoingService,
      rapidpro: {
        url,
        requestsPerHour: rp.requests_per_hour ?? DEFAULTS.requestsPerHour,
        pollIntervalMs: (rp.poll_interval_seconds ?? DEFAULTS.pollIntervalSeconds) * 1000,
        trackingMaxAgeMs: (rp.tracking_max_age_hours ?? DEFAULTS.trackingMaxAgeHours) * 3600 * 1000,
        requestTimeoutMs: (rp.request_timeout_seconds ?? DEFAULTS.requestTimeoutSeconds) * 1000,
      },
    },
  };
}
