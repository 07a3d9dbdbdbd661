/**
 * The sentinel's lifecycle: it holds (or waits for) the sender lease, follows the changes feed,
 * sweeps for pending messages, and runs the send and poll loops, all inside the request budget.
 * Nothing runs until start(); stop() ends every loop and gives the lease up.
 */
import { EventEmitter } from 'node:events';
import type { CouchClient } from '../../shared-libs/couch/src';
import { CouchError } from '../../shared-libs/couch/src';
import type { Vault } from '../../shared-libs/credentials/src';
import type { Logger } from '../../shared-libs/logger/src';
import type { MessageDoc } from '../../shared-libs/messages/src';
import type { RapidProClient, RapidProFailure } from '../../shared-libs/rapidpro/src';
import type { SentinelStatusBody } from '../../shared-libs/sentinel-status/src';
import { writeSentinelStatus } from '../../shared-libs/sentinel-status/src';
import type { SettingsStore } from '../../shared-libs/settings/src';
import { SETTINGS_DOC_ID } from '../../shared-libs/settings/src';
import { createAttemptLog } from './attempts';
import { BudgetOptions, createBudget } from './budget';
import { followChanges } from './changes-feed';
import type { Clock } from './clock';
import { createWaker } from './clock';
import { configKeyOf, ContextResult, createContextSource, SendContext } from './context';
import { createLease, Identity } from './lease';
import { createOutbox } from './outbox';
import { sweepOutbox } from './outbox-sweep';
import { createProgressLog } from './progress';
import { createReconciler } from './reconciler';
import { backoffMs, nextStep } from './retry-policy';
import { createSender } from './sender';
import { createStateWriter } from './state-writer';
import { createTracker, PollReport } from './tracker';

export interface SentinelOptions {
  /** A lease not renewed for this long may be taken over. @defaultValue 15000 */
  leaseTtlMs: number;
  /** How often the lease is renewed (or sought). @defaultValue 3000 */
  leaseRenewMs: number;
  /** How often the status for /health is written. @defaultValue 5000 */
  heartbeatMs: number;
  /** How long stop() waits for a call in progress before giving up on it (it is recorded, so safe). @defaultValue 10000 */
  stopGraceMs: number;
  /** How often everything pending is swept from the database, besides the changes feed. @defaultValue 300000 */
  sweepIntervalMs: number;
  /** How often settings are looked at again while idle. @defaultValue 5000 */
  idleRecheckMs: number;
  /** How long CouchDB holds a changes long-poll. @defaultValue 25000 */
  longPollMs: number;
}

export const DEFAULT_OPTIONS: SentinelOptions = {
  leaseTtlMs: 15000,
  leaseRenewMs: 3000,
  heartbeatMs: 5000,
  stopGraceMs: 10000,
  sweepIntervalMs: 5 * 60 * 1000,
  idleRecheckMs: 5000,
  longPollMs: 25000,
};

export interface SentinelDeps {
  couch: CouchClient;
  vault: Vault;
  settings: SettingsStore;
  rapidpro: RapidProClient;
  clock: Clock;
  logger: Logger;
  identity: Identity;
  options?: Partial<SentinelOptions>;
  budget?: Partial<Omit<BudgetOptions, 'couch' | 'clock'>>;
  random?: () => number;
}

export interface Sentinel {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): SentinelStatusBody;
  /** 'sent' (broadcast), 'poll' (report), 'idle' (reason), 'active' (boolean) — for tests and benchmarks. */
  readonly events: EventEmitter;
}

export function createSentinel(deps: SentinelDeps): Sentinel {
  const opts: SentinelOptions = { ...DEFAULT_OPTIONS, ...deps.options };
  const { couch, clock, logger } = deps;
  const db = couch.db(couch.target.dbName);
  const events = new EventEmitter();
  const stopper = new AbortController();
  const signal = stopper.signal;
  const sendWaker = createWaker(clock);
  const heartbeatWaker = createWaker(clock);
  const pollWaker = createWaker(clock);

  const lease = createLease({ couch, clock, logger, identity: deps.identity, ttlMs: opts.leaseTtlMs });
  const budget = createBudget({ couch, clock, ...deps.budget });
  const attempts = createAttemptLog({ couch, clock });
  const outbox = createOutbox();
  const writer = createStateWriter(db);
  const context = createContextSource({ settings: deps.settings, vault: deps.vault, rapidpro: deps.rapidpro, budget, logger, clock });
  const sender = createSender({ db, attempts, writer, rapidpro: deps.rapidpro, budget, lease, outbox, clock, logger, random: deps.random });
  const reconciler = createReconciler({ db, attempts, writer, rapidpro: deps.rapidpro, budget, clock, logger });
  const progress = createProgressLog({ logger, clock });
  const tracker = createTracker({ db, writer, rapidpro: deps.rapidpro, budget, clock, logger, sendsWaiting: () => outbox.size() > 0 });

  let active = false;
  let idleReason: string | undefined = 'starting';
  let lastSendCycle: number | undefined;
  let lastPollCycle: number | undefined;
  let lastPoll: PollReport | undefined;
  let restUntil = 0;
  let pollRestUntil = 0;
  let pollFailures = 0;
  /** A problem only the operator can fix (bad token, wrong URL): holds until the config changes or it is time to look again. */
  let operatorPause: { until: number; reason: string; configKey: string } | undefined;
  let sweepRequested = true;
  let requestsPerHour: number | undefined;
  const loops: Array<Promise<void>> = [];

  const setIdle = (reason: string | undefined) => {
    if (reason !== idleReason) {
      idleReason = reason;
      if (reason && /^sms\.outgoing_service is /.test(reason)) {
        logger.info(`Not sending: ${reason}`);
      } else if (reason) {
        logger.warn(`Not sending: ${reason}`);
      } else {
        logger.info('Sending through RapidPro is on');
      }
      events.emit('idle', reason);
    }
  };


  /** Applies what a failed call means for everything: a 429 pauses the budget, an operator problem pauses sending. */
  async function onFailure(failure: RapidProFailure, configKey: string): Promise<void> {
    const step = nextStep(failure, { tries: 0, consecutiveFailures: 1, now: clock.now(), random: deps.random });
    if (step.kind !== 'pause') {
      return;
    }
    if (step.needsOperator) {
      operatorPause = { until: step.until, reason: step.reason, configKey };
      logger.error(`${step.reason}. Messages are kept waiting; checking again in ${Math.round((step.until - clock.now()) / 1000)} s or as soon as the settings or token change`);
    } else {
      await budget.pauseUntil(step.until);
      logger.warn(`${step.reason}: pausing all RapidPro calls until ${new Date(step.until).toISOString()}`);
    }
  }

  /** The context, unless something stops us: then the reason, already reported. */
  async function usableContext(): Promise<SendContext | undefined> {
    const operatorPaused = (key: string) => !!operatorPause && operatorPause.configKey === key && clock.now() < operatorPause.until;
    let result: ContextResult;
    try {
      result = await context.current((key) => !operatorPaused(key));
    } catch (err) {
      setIdle(err instanceof CouchError ? `CouchDB is not reachable (${err.message})` : `Cannot read the settings (${(err as Error).message})`);
      return undefined;
    }
    if (!result.ok) {
      if (result.paused && operatorPause) {
        setIdle(operatorPause.reason);
        return undefined;
      }
      if (result.failure) {
        await onFailure(result.failure, result.configKey ?? '');
      }
      setIdle(operatorPause && operatorPause.configKey === result.configKey ? operatorPause.reason : result.reason);
      return undefined;
    }
    if (operatorPause) {
      if (operatorPaused(configKeyOf(result.context.endpoint))) {
        setIdle(operatorPause.reason);
        return undefined;
      }
      operatorPause = undefined;
    }
    setIdle(undefined);
    requestsPerHour = result.context.rapidpro.requestsPerHour;
    return result.context;
  }

  async function sweep(): Promise<void> {
    sweepRequested = false;
    const { due } = await sweepOutbox(db, outbox, clock.now);
    if (due) {
      logger.info(`${due} message(s) waiting to be sent`);
    }
    sendWaker.wake();
  }

  async function leaseLoop(): Promise<void> {
    while (!signal.aborted) {
      try {
        const held = await lease.refresh();
        if (held && !active) {
          await budget.load();
          const leftover = await attempts.load();
          if (leftover.length) {
            logger.info(`${leftover.length} send attempt(s) from before have no recorded outcome; they will be checked against RapidPro before anything is sent again`);
          }
          active = true;
          sweepRequested = true;
          events.emit('active', true);
          heartbeatWaker.wake();
          sendWaker.wake();
          pollWaker.wake();
        } else if (!held && active) {
          active = false;
          events.emit('active', false);
        }
      } catch (err) {
        logger.warn('Cannot check the sender lease', { reason: (err as Error).message });
      }
      await clock.sleep(opts.leaseRenewMs, signal);
    }
  }

  async function sendLoop(): Promise<void> {
    let storeFailures = 0;
    while (!signal.aborted) {
      try {
        if (!active || !lease.held()) {
          await sendWaker.wait(1000, signal);
          continue;
        }
        if (sweepRequested) {
          await sweep();
        }
        const ctx = await usableContext();
        if (!ctx) {
          await sendWaker.wait(opts.idleRecheckMs, signal);
          continue;
        }
        const now = clock.now();
        if (now < restUntil) {
          await sendWaker.wait(restUntil - now, signal);
          continue;
        }
        if (reconciler.due().length) {
          const settled = await reconciler.settle(ctx);
          if (settled.kind === 'wait') {
            await clock.sleep(Math.min(settled.waitMs, 60000), signal);
          } else if (settled.kind === 'failed') {
            await onFailure(settled.failure, configKeyOf(ctx.endpoint));
            restUntil = clock.now() + backoffMs(sender.consecutiveFailures(), 1000, 60000, deps.random);
          }
          continue;
        }
        lastSendCycle = now;
        const batch = outbox.next(now, attempts.isBusy);
        if (!batch.length) {
          const wakeAt = Math.min(outbox.nextRetryAt(now) ?? Infinity, ...attempts.unknown().map((a) => a.unknown?.resolve_after_ms ?? Infinity));
          await sendWaker.wait(Number.isFinite(wakeAt) ? Math.max(10, wakeAt - now) : opts.idleRecheckMs, signal);
          continue;
        }
        const result = await sender.send(batch, ctx);
        storeFailures = 0;
        if (result.kind === 'sent') {
          progress.sent(result.messages);
          progress.tick(outbox.size());
          events.emit('sent', result.broadcast, result.messages);
        } else if (result.kind === 'wait') {
          progress.waiting(result.why, result.waitMs, outbox.size(), ctx.rapidpro.requestsPerHour);
          await clock.sleep(Math.min(result.waitMs, 60000), signal);
        } else if (result.kind === 'failed') {
          if (result.step.kind === 'retry') {
            restUntil = result.step.restUntil;
            logger.warn(`${result.step.reason}; resting ${Math.round((restUntil - clock.now()) / 100) / 10} s before the next call`);
          } else if (result.step.kind === 'pause') {
            await onFailure(result.failure, configKeyOf(ctx.endpoint));
          }
        }
      } catch (err) {
        storeFailures++;
        if (storeFailures === 1 || storeFailures % 20 === 0) {
          logger.warn('The send loop could not reach CouchDB; retrying', { reason: (err as Error).message });
        }
        await clock.sleep(backoffMs(storeFailures - 1, 500, 30000, deps.random), signal);
      }
    }
  }

  async function pollLoop(): Promise<void> {
    let nextPollAt = clock.now();
    while (!signal.aborted) {
      try {
        const now = clock.now();
        const wakeAt = Math.max(nextPollAt, pollRestUntil);
        if (now < wakeAt || !active) {
          await pollWaker.wait(active ? wakeAt - now : 1000, signal);
          continue;
        }
        const ctx = await usableContext();
        if (!ctx) {
          nextPollAt = clock.now() + opts.idleRecheckMs;
          continue;
        }
        nextPollAt = now + ctx.rapidpro.pollIntervalMs;
        const result = await tracker.poll(ctx, signal);
        if (result.kind === 'stopped') {
          continue;
        }
        lastPollCycle = clock.now();
        lastPoll = result.report;
        events.emit('poll', result.report);
        if (result.kind === 'failed') {
          pollFailures++;
          await onFailure(result.failure, configKeyOf(ctx.endpoint));
          pollRestUntil = clock.now() + backoffMs(pollFailures - 1, 2000, 10 * 60 * 1000, deps.random);
          logger.warn(`Status check failed: ${result.failure.kind}; next try in ${Math.round((pollRestUntil - clock.now()) / 1000)} s`);
        } else {
          pollFailures = 0;
          if (result.report.updated || result.report.agedOut) {
            logger.info(`Status check: ${result.report.updated} message(s) updated, ${result.report.followed} followed, ${result.report.calls} RapidPro call(s)`);
          }
        }
      } catch (err) {
        pollFailures++;
        pollRestUntil = clock.now() + backoffMs(pollFailures - 1, 1000, 60000, deps.random);
        logger.warn('The status check could not reach CouchDB; retrying', { reason: (err as Error).message });
      }
    }
  }

  async function sweepLoop(): Promise<void> {
    while (!signal.aborted) {
      await clock.sleep(opts.sweepIntervalMs, signal);
      sweepRequested = true;
      sendWaker.wake();
    }
  }

  async function heartbeatLoop(): Promise<void> {
    while (!signal.aborted) {
      if (active) {
        try {
          await writeSentinelStatus(couch, status());
        } catch {
          // /health will show the heartbeat ageing; the loops log the outage themselves.
        }
      }
      await heartbeatWaker.wait(opts.heartbeatMs, signal);
    }
  }

  function status(): SentinelStatusBody {
    const now = clock.now();
    const usage = budget.usage();
    const oldest = outbox.oldestSeenAt();
    const body: SentinelStatusBody = {
      instance: deps.identity.id,
      updated_at: new Date(now).toISOString(),
      heartbeat_ms: opts.heartbeatMs,
      active,
      outbox: { waiting: outbox.size(), ...(oldest === undefined ? {} : { oldest_age_seconds: Math.round((now - oldest) / 1000) }) },
      budget: { ...(requestsPerHour === undefined ? {} : { requests_per_hour: requestsPerHour }), used_last_hour: usage.used, ...(usage.pausedUntil ? { paused_until: new Date(usage.pausedUntil).toISOString() } : {}) },
    };
    if (idleReason) {
      body.idle_reason = idleReason;
    }
    if (lastSendCycle !== undefined) {
      body.last_send_cycle = new Date(lastSendCycle).toISOString();
    }
    if (lastPollCycle !== undefined) {
      body.last_poll_cycle = new Date(lastPollCycle).toISOString();
    }
    if (lastPoll) {
      body.followed = lastPoll.followed;
      body.stranded = lastPoll.stranded;
    }
    const unknown = attempts.unknown().length;
    if (unknown) {
      body.problems = [`${unknown} broadcast(s) without a clear answer from RapidPro are being checked before their messages can go again`];
    }
    return body;
  }

  return {
    events,
    status,
    async start() {
      const since = String((await db.info()).update_seq);
      loops.push(
        followChanges({
          db,
          clock,
          logger,
          since,
          signal,
          longPollMs: opts.longPollMs,
          onChanges: (docs: MessageDoc[], deleted: string[]) => {
            if (docs.some((doc) => doc._id === SETTINGS_DOC_ID)) {
              // Act on new settings now rather than when the cached copy expires.
              deps.settings.invalidate();
              pollWaker.wake();
            }
            deleted.forEach((id) => outbox.forgetDoc(id));
            const now = clock.now();
            docs.forEach((doc) => outbox.offer(doc, now));
            sendWaker.wake();
          },
          onGap: () => {
            sweepRequested = true;
            sendWaker.wake();
          },
        }),
      );
      loops.push(leaseLoop(), sendLoop(), pollLoop(), sweepLoop(), heartbeatLoop());
      logger.info(`Sentinel started (${deps.identity.id})`);
    },
    async stop() {
      stopper.abort();
      sendWaker.wake();
      pollWaker.wake();
      await Promise.race([Promise.allSettled(loops), clock.sleep(opts.stopGraceMs)]);
      if (active) {
        active = false;
        try {
          await writeSentinelStatus(couch, { ...status(), active: false, idle_reason: 'stopped' });
        } catch {
          // best effort
        }
      }
      await lease.release();
      logger.info('Sentinel stopped');
    },
  };
}
