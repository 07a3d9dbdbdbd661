/**
 * Reading and writing app settings where CHT keeps them. Reads are cached for `cacheTtlMs` so hot
 * paths (the webhook) do not hit CouchDB each time, while a change is seen within seconds.
 */
import type { CouchClient } from '../../couch/src';
import { CouchError } from '../../couch/src';
import type { AppSettings, SettingsDoc } from './types';
import { SETTINGS_DOC_ID } from './types';
import { SettingsProblem, validateSettings } from './schema';

export class InvalidSettingsError extends Error {
  constructor(readonly problems: SettingsProblem[]) {
    super(`Invalid settings: ${problems.map((p) => p.message).join('; ')}`);
  }
}

export interface SettingsStore {
  get(): Promise<AppSettings>;
  /** Merges (or with replace, replaces) and saves; refuses invalid results with InvalidSettingsError. */
  update(input: AppSettings, options: { replace: boolean }): Promise<{ updated: boolean }>;
  /** Forgets the cached copy: for a reader that has just seen the settings document change. */
  invalidate(): void;
}

export interface SettingsStoreOptions {
  couch: CouchClient;
  /** @defaultValue 2000 */
  cacheTtlMs?: number;
  now?: () => number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and every other value replace what was there. */
export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

export function createSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const db = options.couch.db(options.couch.target.dbName);
  const ttlMs = options.cacheTtlMs ?? 2000;
  const now = options.now ?? Date.now;
  let cached: { at: number; value: Promise<AppSettings> } | undefined;

  async function load(): Promise<AppSettings> {
    const doc = await db.get<SettingsDoc>(SETTINGS_DOC_ID);
    return doc?.settings ?? {};
  }

  return {
    get() {
      if (!cached || now() - cached.at >= ttlMs) {
        const value = load();
        cached = { at: now(), value };
        value.catch(() => (cached = undefined));
      }
      return cached.value;
    },
    invalidate() {
      cached = undefined;
    },
    async update(input, { replace }) {
      for (let attempt = 0; ; attempt++) {
        const doc = (await db.get<SettingsDoc>(SETTINGS_DOC_ID)) ?? { _id: SETTINGS_DOC_ID };
        const current = doc.settings ?? {};
        const next = replace ? input : (deepMerge(current, input) as AppSettings);
        const problems = validateSettings(next);
        if (problems.length) {
          throw new InvalidSettingsError(problems);
        }
        if (JSON.stringify(next) === JSON.stringify(current) && doc._rev) {
          return { updated: false };
        }
        try {
          await db.put<SettingsDoc>({ ...doc, settings: next });
          cached = undefined;
          return { updated: true };
        } catch (err) {
          if (!(err instanceof CouchError && err.kind === 'conflict') || attempt >= 3) {
            throw err;
          }
        }
      }
    },
  };
}
