/**
 * A sentinel running in this process against a fresh test database and a RapidPro simulator over
 * real sockets, with short timings so tests run in seconds. Helpers write pending messages the way
 * CHT does and wait for states by polling the database with a deadline (never a fixed sleep).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { createVault, Vault } from '../../shared-libs/credentials/src';
import type { MessageDoc, Task } from '../../shared-libs/messages/src';
import { findTask } from '../../shared-libs/messages/src';
import { createRapidProClient } from '../../shared-libs/rapidpro/src';
import { createSettingsStore, RapidProSettings, SettingsStore } from '../../shared-libs/settings/src';
import { Clock, realClock } from '../../sentinel/src/clock';
import { createSentinel, Sentinel, SentinelDeps, SentinelOptions } from '../../sentinel/src/worker';
import { createRapidProSimulator, RapidProSimulator, SimulatorOptions } from '../rapidpro-simulator';
import { eventually } from './http';
import { freshDb, TestDb } from './store';

export const SIM_TOKEN = 'sim-token';

export const FAST_OPTIONS: Partial<SentinelOptions> = {
  leaseTtlMs: 3000,
  leaseRenewMs: 100,
  heartbeatMs: 200,
  idleRecheckMs: 100,
  sweepIntervalMs: 60000,
  longPollMs: 2000,
  stopGraceMs: 3000,
};

export interface SentinelHarness {
  db: TestDb;
  sim: RapidProSimulator;
  vault: Vault;
  settings: SettingsStore;
  sentinel: Sentinel;
  /** Another sentinel on the same database (for lease tests). */
  startAnother(options?: Partial<SentinelOptions>): Promise<Sentinel>;
  setRapidPro(patch: Partial<RapidProSettings>, extra?: Record<string, unknown>): Promise<void>;
  /** Writes a CHT-style document with one pending task per message; returns its id. */
  addPending(messages: Array<{ to: string; text: string; uuid?: string }>, options?: { docId?: string; state?: string; scheduled?: boolean }): Promise<{ docId: string; uuids: string[] }>;
  task(docId: string, uuid: string): Promise<Task | undefined>;
  /** Every task of these documents, reading each document once. */
  tasks(docIds: string[]): Promise<Task[]>;
  waitForState(docId: string, uuid: string, state: string | ((task: Task) => boolean), timeoutMs?: number): Promise<Task>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sim?: Partial<SimulatorOptions>;
  rapidpro?: Partial<RapidProSettings>;
  options?: Partial<SentinelOptions>;
  /** Start the sentinel right away (default true). */
  start?: boolean;
  /** The sentinel's clock (a scaled one lets a test live through simulated hours). */
  clock?: Clock;
  /** Budget options, such as its window. */
  budget?: SentinelDeps['budget'];
  /** The host the sentinels say they run on; this machine's name lets them take over from a dead local process at once. */
  host?: string;
}

export async function startSentinelHarness(options: HarnessOptions = {}): Promise<SentinelHarness> {
  const db = await freshDb();
  const sim = createRapidProSimulator({
    messageCreationDelayMs: 20,
    progression: [
      { status: 'wired', afterMs: 30 },
      { status: 'sent', afterMs: 60 },
      { status: 'delivered', afterMs: 90 },
    ],
    ...options.sim,
  });
  const simUrl = await sim.listen(0);
  const vault = createVault({ couch: db.couch, logger: db.logger, cacheTtlMs: 100 });
  const settings = createSettingsStore({ couch: db.couch, cacheTtlMs: 100 });
  await vault.set('rapidpro:outgoing', SIM_TOKEN);
  const base: RapidProSettings = { url: simUrl, poll_interval_seconds: 0.2, requests_per_hour: 10000, request_timeout_seconds: 5, ...options.rapidpro };
  await settings.update({ sms: { outgoing_service: 'rapidpro', rapidpro: base } }, { replace: true });

  const sentinels: Sentinel[] = [];
  const make = (extra: Partial<SentinelOptions> = {}) => {
    const pid = process.pid;
    return createSentinel({
      couch: db.couch,
      vault,
      settings,
      rapidpro: createRapidProClient({ userAgent: 'cht-rapidpro-gateway/test' }),
      clock: options.clock ?? realClock,
      budget: options.budget,
      logger: db.logger,
      identity: { id: `${os.hostname()}:${pid}:${crypto.randomBytes(3).toString('hex')}`, host: options.host ?? `test-host-${crypto.randomBytes(3).toString('hex')}`, pid },
      options: { ...FAST_OPTIONS, ...options.options, ...extra },
    });
  };
  const sentinel = make();
  sentinels.push(sentinel);
  if (options.start !== false) {
    await sentinel.start();
  }
  const mainDb = db.couch.db(db.target.dbName);

  const harness: SentinelHarness = {
    db,
    sim,
    vault,
    settings,
    sentinel,
    async startAnother(extra) {
      const another = make(extra);
      sentinels.push(another);
      await another.start();
      return another;
    },
    async setRapidPro(patch, extra = {}) {
      const current = await settings.get();
      const rapidpro = { ...(current.sms?.rapidpro ?? {}), ...patch };
      await settings.update({ ...extra, sms: { ...(current.sms ?? {}), rapidpro } }, { replace: false });
    },
    async addPending(messages, opts = {}) {
      const docId = opts.docId ?? `msg-${crypto.randomBytes(6).toString('hex')}`;
      const state = opts.state ?? 'pending';
      const tasks: Task[] = messages.map((m) => ({
        messages: [{ uuid: m.uuid ?? crypto.randomUUID(), to: m.to, message: m.text }],
        state,
        state_history: [{ state, timestamp: new Date().toISOString() }],
      }));
      const doc: MessageDoc = { _id: docId, type: 'data_record', kujua_message: true, form: null, reported_date: Date.now(), errors: [] };
      if (opts.scheduled) {
        doc.scheduled_tasks = tasks;
      } else {
        doc.tasks = tasks;
      }
      await mainDb.put(doc);
      return { docId, uuids: tasks.map((t) => t.messages?.[0]?.uuid as string) };
    },
    async task(docId, uuid) {
      const doc = await mainDb.get<MessageDoc>(docId);
      return doc ? findTask(doc, uuid) : undefined;
    },
    async tasks(docIds) {
      const docs = await Promise.all(docIds.map((id) => mainDb.get<MessageDoc>(id)));
      return docs.flatMap((doc) => [...(doc?.tasks ?? []), ...(doc?.scheduled_tasks ?? [])]);
    },
    waitForState(docId, uuid, state, timeoutMs = 10000) {
      const ok = typeof state === 'string' ? (t: Task) => t.state === state : state;
      return eventually(async () => {
        const task = await harness.task(docId, uuid);
        return task && ok(task) ? task : undefined;
      }, timeoutMs, `message ${uuid} to reach ${typeof state === 'string' ? state : 'the expected state'}`);
    },
    async close() {
      for (const s of sentinels) {
        await s.stop();
      }
      await sim.close();
      await db.drop();
    },
  };
  return harness;
}
