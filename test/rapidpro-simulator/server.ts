/**
 * `createRapidProSimulator`: wires the store, throttle, faults, mailroom and HTTP handler together.
 * Nothing runs until `listen()`; `close()` stops everything the simulator started.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiDeps } from './api-routes';
import { createControlRoutes } from './control-routes';
import { createFaults } from './faults';
import { createRequestHandler } from './http-handler';
import { createMailroom, type Mailroom } from './mailroom';
import { defaultOptions, resolveOptions, type ResolvedOptions } from './options';
import { createRequestLog } from './request-log';
import { createScheduler, type Scheduler } from './scheduler';
import { checkOutgoingStatus, createSeeding } from './seeding';
import { broadcastRecord, messageRecord } from './serializers';
import { createThrottle } from './throttle';
import type {
  BroadcastEvent,
  MessageEvent,
  MessageStatus,
  RapidProSimulator,
  SimulatorOptions,
} from './types';
import type { BroadcastRow, MessageRow } from './rows';
import { createWorkspaceStore } from './workspace-store';

export function createRapidProSimulator(initial: Partial<SimulatorOptions> = {}): RapidProSimulator {
  let options: ResolvedOptions = resolveOptions(defaultOptions(), initial);
  const events = new EventEmitter();
  const store = createWorkspaceStore();
  const throttle = createThrottle();
  const faults = createFaults();
  const log = createRequestLog(() => options.maxRequestLogEntries);
  const hanging = new Set<ServerResponse>();
  let server: Server | null = null;
  let url = '';

  const emitBroadcast = (row: BroadcastRow, type: BroadcastEvent['type']): void => {
    if (events.listenerCount('broadcast') === 0) return;
    const event: BroadcastEvent = { type, broadcast: broadcastRecord(options.mode, row) };
    events.emit('broadcast', event);
  };
  const emitMessage = (row: MessageRow, type: MessageEvent['type'], previousStatus: MessageStatus | null): void => {
    if (events.listenerCount('message') === 0) return;
    const event: MessageEvent = { type, message: messageRecord(row), previousStatus };
    events.emit('message', event);
  };

  // The scheduler and mailroom depend on the clock, which only reset() may replace.
  let scheduler: Scheduler;
  let mailroom: Mailroom;
  const buildTimeline = (): void => {
    scheduler = createScheduler(options.clock);
    mailroom = createMailroom({
      store,
      scheduler,
      clock: options.clock,
      options: () => options,
      onBroadcast: emitBroadcast,
      onMessage: emitMessage,
    });
  };
  buildTimeline();
  store.setWorkspaces(options.workspaces);

  const seeding = createSeeding({
    store,
    get mailroom() {
      return mailroom;
    },
    options: () => options,
    onBroadcastCreated: (row) => emitBroadcast(row, 'created'),
    onMessagesCreated: (rows) => {
      for (const row of rows) emitMessage(row, 'created', null);
    },
  });

  const api: ApiDeps = {
    options: () => options,
    store,
    throttle,
    get mailroom() {
      return mailroom;
    },
    onBroadcastCreated: (row) => emitBroadcast(row, 'created'),
  };

  const sortedById = <T extends { id: number }>(rows: T[]): T[] => rows.sort((a, b) => a.id - b.id);
  const workspacesOf = (token?: string) => (token === undefined ? store.workspaces() : [store.resolve(token)]);

  const sim: RapidProSimulator = {
    get url() {
      return url;
    },
    get options() {
      return options;
    },
    events,

    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new Error(`already listening on ${url}`);
      const s = createServer(handler);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      const address = s.address() as AddressInfo;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return url;
    },

    async close() {
      scheduler.clear();
      const s = server;
      server = null;
      url = '';
      if (!s) return;
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeAllConnections();
      await closed;
    },

    reset(next = {}) {
      const resolved = resolveOptions(defaultOptions(), next);
      scheduler.clear();
      store.clearData();
      options = resolved;
      store.setWorkspaces(options.workspaces);
      throttle.clear();
      faults.clear();
      log.reset();
      buildTimeline();
    },

    configure(patch) {
      if (patch.clock !== undefined && patch.clock !== options.clock) {
        throw new Error('the clock can only be replaced by reset()');
      }
      const resolved = resolveOptions(options, patch);
      if (patch.workspaces) store.setWorkspaces(resolved.workspaces);
      options = resolved;
    },

    injectFaults: (specs) => faults.add(specs),
    pendingFaults: () => faults.pending(),
    clearFaults: () => faults.clear(),
    requests: (since) => log.entries(since),
    clearRequests: () => log.clear(),

    broadcasts(token) {
      const rows = workspacesOf(token).flatMap((ws) => [...ws.data.broadcasts.rows]);
      return sortedById(rows).map((b) => broadcastRecord(options.mode, b));
    },

    messages(token) {
      const rows = workspacesOf(token).flatMap((ws) => [...ws.data.byCreated.rows]);
      return sortedById(rows).map(messageRecord);
    },

    setMessageStatus(messageId, status, token) {
      const row = store.messageById(messageId);
      if (!row || (token !== undefined && row.workspace !== store.resolve(token))) {
        throw new Error(`no message ${messageId}${token === undefined ? '' : ' in that workspace'}`);
      }
      if (row.direction !== 'out') throw new Error(`message ${messageId} is incoming; only outgoing statuses change`);
      checkOutgoingStatus(status, options.mode);
      mailroom.setStatus(row, status as Exclude<MessageStatus, 'handled'>);
    },

    seedBroadcast: (input) => broadcastRecord(options.mode, seeding.seedBroadcast(input)),
    addMessages: (input) => seeding.addMessages(input),
  };

  const handler = createRequestHandler({
    api,
    faults,
    log,
    events,
    hanging,
    control: createControlRoutes(sim),
  });

  return sim;
}
