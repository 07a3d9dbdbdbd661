/**
 * The real service processes, for fault tests over real processes and sockets: the embedded store
 * (`shared-libs/embedded-couch/src/main.js`), the API (`api/src/main.js`) and the sentinel
 * (`sentinel/src/main.js`), each forked from `dist/` with IPC exactly as `npm start` forks them,
 * configured only through their environment (COUCH_URL, API_PORT, DATA_DIR, EMBEDDED_COUCH_PORT,
 * LOG_LEVEL), with stdout and stderr captured so a test can scan them afterwards (for secrets, or
 * for a log line with `eventually`).
 *
 * Usage:
 *
 *   const procs = processSet();
 *   const store = await procs.startStore();                       // own DATA_DIR, fixed free port
 *   const api = await procs.startApi({ couchUrl: store.couchUrl() });
 *   const sentinel = await procs.startSentinel({ couchUrl: store.couchUrl() });
 *   await sentinel.kill9();                                       // or sentinel.terminate()
 *   const again = await procs.startStore({ dataDir: store.dataDir, port: store.port }); // a restart
 *   expect(procs.leaks([store.adminPassword, token])).to.deep.equal([]);
 *   await procs.stopAll();                                        // in after(): kills the rest, removes DATA_DIRs
 *
 * Every start resolves once the process says `{type: 'ready'}` over IPC (it rejects, with the
 * output, if the process exits first or stays silent past `readyTimeoutMs`). A process whose test
 * runner dies stops by itself (the processes stop when their IPC channel closes).
 *
 * The second half holds what several fault tests share: a connection to a store process from the
 * test (`connect`), a webhook load generator (`webhookLoad`), and writing and checking outgoing
 * messages (`writePending`, `checkOutgoing`).
 *
 * Set TEST_LOGS=1 to see the processes' output live on stderr.
 */
import { ChildProcess, fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { LogLevel } from '../../config/env';
import { createCouchClient, CouchClient, CouchDb, embeddedTarget, setupDatabases } from '../../shared-libs/couch/src';
import { createVault, Vault } from '../../shared-libs/credentials/src';
import { ADMIN_PASSWORD_FILE, SERVER_SECRET_FILE } from '../../shared-libs/embedded-couch/src/secrets';
import { createLogger } from '../../shared-libs/logger/src';
import type { IncomingDataRecord, MessageDoc, Task } from '../../shared-libs/messages/src';
import { createSettingsStore, SettingsStore } from '../../shared-libs/settings/src';
import type { BroadcastEvent, BroadcastRecord, RapidProSimulator } from '../rapidpro-simulator';
import { createRapidProSimulator } from '../rapidpro-simulator';
import { request } from './http';

const DIST = path.join(__dirname, '..', '..');
export const SCRIPTS = {
  store: path.join(DIST, 'shared-libs', 'embedded-couch', 'src', 'main.js'),
  api: path.join(DIST, 'api', 'src', 'main.js'),
  sentinel: path.join(DIST, 'sentinel', 'src', 'main.js'),
} as const;

export type PartName = keyof typeof SCRIPTS;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TerminateResult extends ExitInfo {
  /** From the SIGTERM to the exit. */
  ms: number;
  /** True when it did not exit by itself within the deadline and was killed with SIGKILL. */
  forced: boolean;
}

/** One forked process (one run: a restart is a new ServiceProcess). */
export interface ServiceProcess {
  readonly part: PartName;
  /** e.g. `sentinel#3`: the part and how many of that part this set has started. */
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** When it said it was ready (epoch ms). */
  readonly readyAt: number;
  /** Its stdout and stderr so far, interleaved in arrival order. */
  output(): string;
  running(): boolean;
  /** Resolves when it has exited (also after a kill). */
  readonly exited: Promise<ExitInfo>;
  /** SIGKILL, like `kill -9`; resolves once the process is gone (so its pid is dead). */
  kill9(): Promise<ExitInfo>;
  /** SIGTERM, then waits up to `deadlineMs` (default 60 s) for it to exit by itself; SIGKILL after. */
  terminate(deadlineMs?: number): Promise<TerminateResult>;
}

export interface StoreProcess extends ServiceProcess {
  readonly port: number;
  /** Base URL without credentials. */
  readonly url: string;
  readonly dataDir: string;
  /** The `admin` password (generated into DATA_DIR on first start unless given). */
  readonly adminPassword: string;
  /** The server secret the vault's key derives from (generated into DATA_DIR). */
  readonly serverSecret: string;
  /** CHT's COUCH_URL for a database on this store, credentials included. @defaultValue db 'medic' */
  couchUrl(dbName?: string): string;
}

export interface ApiProcess extends ServiceProcess {
  readonly port: number;
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
}

export interface CommonOptions {
  /** LOG_LEVEL. @defaultValue 'debug' (the most output to scan for secrets) */
  logLevel?: LogLevel;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** @defaultValue 120000 (a loaded machine starts node slowly) */
  readyTimeoutMs?: number;
}

export interface StoreOptions extends CommonOptions {
  /** DATA_DIR; a new temporary directory (removed by stopAll) when not given. Pass the old one to restart. */
  dataDir?: string;
  /** EMBEDDED_COUCH_PORT; a free port when not given. Pass the old one to restart on the same port. */
  port?: number;
  /** COUCH_ADMIN_PASSWORD; when not given the store generates one into DATA_DIR (and keeps it). */
  adminPassword?: string;
}

export interface ApiOptions extends CommonOptions {
  couchUrl: string;
  /** API_PORT; a free port when not given. Pass the old one to restart on the same port. */
  port?: number;
}

export interface SentinelProcessOptions extends CommonOptions {
  couchUrl: string;
}

export interface ProcessSet {
  startStore(options?: StoreOptions): Promise<StoreProcess>;
  startApi(options: ApiOptions): Promise<ApiProcess>;
  startSentinel(options: SentinelProcessOptions): Promise<ServiceProcess>;
  /** Every process this set started, dead or alive, oldest first. */
  list(): ServiceProcess[];
  /** All their output, each process under a `===== name (pid) =====` line. */
  output(): string;
  /** Which of these secrets appear in output(), in any usual encoding (see `secretForms`). */
  leaks(secrets: string[]): string[];
  /** SIGKILLs whatever still runs and removes the data directories this set created. */
  stopAll(): Promise<void>;
}

/** Every process started by any set in this test run, for a final scan. */
const everyProcess: ServiceProcess[] = [];

/** All output of every process started in this test run. */
export function allProcessOutput(): string {
  return everyProcess.map(banner).join('');
}

function banner(p: ServiceProcess): string {
  return `===== ${p.name} (pid ${p.pid}) =====\n${p.output()}\n`;
}

/** A secret as it could appear in output: as is, URL-encoded, JSON-escaped, and base64 (alone or as `admin:<secret>`). */
export function secretForms(secret: string): string[] {
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`admin:${secret}`).toString('base64'),
  ]);
  return [...forms].filter((f) => f.length >= 6);
}

/** The secrets (among `secrets`) found in `text`. */
export function findSecrets(text: string, secrets: string[]): string[] {
  return secrets.filter((s) => s && secretForms(s).some((form) => text.includes(form)));
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** The environment a part gets: ours, minus anything that would point it elsewhere, plus `env`. */
function childEnv(env: Record<string, string>, logLevel: LogLevel): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['COUCH_URL', 'API_PORT', 'DATA_DIR', 'EMBEDDED_COUCH_PORT', 'COUCH_ADMIN_PASSWORD', 'LOG_LEVEL', 'TEST_LOGS']) {
    delete base[name];
  }
  return { ...base, LOG_LEVEL: logLevel, ...env };
}

interface Spawned {
  process: ServiceProcess;
  ready: { type?: string; port?: number };
}

function spawn(part: PartName, name: string, env: NodeJS.ProcessEnv, readyTimeoutMs: number): Promise<Spawned> {
  const child = fork(SCRIPTS[part], [], { env, silent: true, execArgv: ['--enable-source-maps'] });
  const chunks: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    chunks.push(text);
    if (process.env.TEST_LOGS) {
      process.stderr.write(text.replace(/^(?=.)/gm, `[${name}] `));
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  const output = () => chunks.join('');
  const running = () => exitInfo === undefined;
  let readyAt = 0;

  const proc: ServiceProcess = {
    part,
    name,
    pid: child.pid ?? -1,
    child,
    get readyAt() {
      return readyAt;
    },
    output,
    running,
    exited,
    async kill9() {
      if (running()) {
        child.kill('SIGKILL');
      }
      return exited;
    },
    async terminate(deadlineMs = 60000) {
      const started = Date.now();
      if (!running()) {
        return { ...(await exited), ms: 0, forced: false };
      }
      child.kill('SIGTERM');
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        child.kill('SIGKILL');
      }, deadlineMs);
      const info = await exited;
      clearTimeout(timer);
      return { ...info, ms: Date.now() - started, forced };
    },
  };
  everyProcess.push(proc);

  return new Promise<Spawned>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not say it was ready within ${readyTimeoutMs} ms; its output:\n${output()}`));
    }, readyTimeoutMs);
    child.on('message', (msg: unknown) => {
      const m = msg as { type?: string; port?: number } | null;
      if (m?.type === 'ready' && readyAt === 0) {
        readyAt = Date.now();
        clearTimeout(timer);
        resolve({ process: proc, ready: m });
      }
    });
    void exited.then((info) => {
      if (readyAt === 0) {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (${info.signal ?? `code ${info.code}`}); its output:\n${output()}`));
      }
    });
  });
}

export function processSet(): ProcessSet {
  const mine: ServiceProcess[] = [];
  const dirs: string[] = [];
  const counts: Record<PartName, number> = { store: 0, api: 0, sentinel: 0 };
  const nameOf = (part: PartName) => `${part}#${++counts[part]}`;

  const set: ProcessSet = {
    async startStore(options = {}) {
      const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cht-rp-faults-'));
      if (!options.dataDir) {
        dirs.push(dataDir);
      }
      const port = options.port ?? (await freePort());
      const env: Record<string, string> = { DATA_DIR: dataDir, EMBEDDED_COUCH_PORT: String(port), ...options.env };
      if (options.adminPassword) {
        env.COUCH_ADMIN_PASSWORD = options.adminPassword;
      }
      const { process: proc } = await spawn('store', nameOf('store'), childEnv(env, options.logLevel ?? 'debug'), options.readyTimeoutMs ?? 120000);
      mine.push(proc);
      const adminPassword = options.adminPassword ?? fs.readFileSync(path.join(dataDir, ADMIN_PASSWORD_FILE), 'utf8').trim();
      const serverSecret = fs.readFileSync(path.join(dataDir, SERVER_SECRET_FILE), 'utf8').trim();
      const url = `http://127.0.0.1:${port}`;
      return Object.assign(proc, {
        port,
        url,
        dataDir,
        adminPassword,
        serverSecret,
        couchUrl: (dbName = 'medic') => `http://admin:${encodeURIComponent(adminPassword)}@127.0.0.1:${port}/${encodeURIComponent(dbName)}`,
      });
    },
    async startApi(options) {
      const port = options.port ?? (await freePort());
      const env = { COUCH_URL: options.couchUrl, API_PORT: String(port), ...options.env };
      const { process: proc, ready } = await spawn('api', nameOf('api'), childEnv(env, options.logLevel ?? 'debug'), options.readyTimeoutMs ?? 120000);
      mine.push(proc);
      const actual = ready.port ?? port;
      return Object.assign(proc, { port: actual, url: `http://127.0.0.1:${actual}` });
    },
    async startSentinel(options) {
      const env = { COUCH_URL: options.couchUrl, ...options.env };
      const { process: proc } = await spawn('sentinel', nameOf('sentinel'), childEnv(env, options.logLevel ?? 'debug'), options.readyTimeoutMs ?? 120000);
      mine.push(proc);
      return proc;
    },
    list: () => [...mine],
    output: () => mine.map(banner).join(''),
    leaks: (secrets) => findSecrets(set.output(), secrets),
    async stopAll() {
      await Promise.all(mine.map((p) => p.kill9()));
      for (const dir of dirs.splice(0)) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return set;
}

process.once('exit', () => {
  for (const p of everyProcess) {
    if (p.running()) {
      p.child.kill('SIGKILL');
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Talking to a store process from the test.

export interface Connection {
  couch: CouchClient;
  /** The main database. */
  db: CouchDb;
  vault: Vault;
  settings: SettingsStore;
}

/**
 * A client of `dbName` on a store process, with the databases set up as the service sets them up
 * (so credentials and settings can be written before the API or sentinel starts). Reads are not
 * cached: a test sees what is stored.
 */
export async function connect(store: StoreProcess, dbName = 'medic', requestTimeoutMs = 30000): Promise<Connection> {
  const target = { ...embeddedTarget(store.port, store.adminPassword), dbName };
  const couch = createCouchClient({ target, requestTimeoutMs });
  const sink = new PassThrough();
  sink.resume();
  const logger = createLogger({ component: 'faults-test', level: 'error', stream: sink });
  logger.registerSecret(store.adminPassword);
  await setupDatabases(couch, logger);
  return {
    couch,
    db: couch.db(dbName),
    vault: createVault({ couch, logger, cacheTtlMs: 0 }),
    settings: createSettingsStore({ couch, cacheTtlMs: 0 }),
  };
}

/** A secret that is easy to find in output and cannot occur there by chance. */
export function randomSecret(label: string): string {
  return `${label}-${crypto.randomBytes(12).toString('hex')}`;
}

/**
 * Wraps an `eventually` check that is costly for the store (reading hundreds of documents): it runs
 * at most once every `everyMs` and answers undefined (not yet) in between, so polling does not
 * compete with the processes under test.
 */
export function atMostEvery<T>(everyMs: number, check: () => Promise<T | undefined>): () => Promise<T | undefined> {
  let last = 0;
  return async () => {
    if (Date.now() - last < everyMs) {
      return undefined;
    }
    last = Date.now();
    return check();
  };
}

/** A small seeded PRNG (mulberry32), so a failing random schedule can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FAULTS_SEED from the environment, or a new random seed. */
export function faultsSeed(): number {
  const given = Number(process.env.FAULTS_SEED);
  return Number.isInteger(given) && given > 0 ? given : crypto.randomInt(1, 2 ** 31);
}

// ---------------------------------------------------------------------------------------------
// Webhook load: clients posting RapidPro's incoming webhook, each id until it is answered.

export const INCOMING_PATH = '/api/v2/sms/rapidpro/incoming-messages';

/** What happened to one posted id, every try in order. */
export interface PostRecord {
  id: string;
  from: string;
  content: string;
  /** Status of each try, or the network error's text when there was no answer. */
  tries: Array<number | string>;
  /** The final answer (200), or undefined while it has none. */
  answer?: { saved: number; duplicate?: boolean };
}

export interface LoadReport {
  posts: PostRecord[];
  /** Tries that got no HTTP answer (connection refused or reset, timeout). */
  noAnswer: number;
  /** How many tries got each status. */
  statuses: Record<string, number>;
}

export interface WebhookLoad {
  /** How many ids have a final (200) answer so far. */
  answered(): number;
  /** How many tries got this status so far. */
  count(status: number): number;
  report(): LoadReport;
  /** Lets each client finish the id it is on (retrying until it is answered), then stops. */
  stop(): Promise<LoadReport>;
}

export interface WebhookLoadOptions {
  /** The API's base URL; a function when it can change (it is asked again on every try). */
  url: string | (() => string);
  token: string;
  /** @defaultValue 8 */
  clients?: number;
  /** Prefix of the ids, so several loads in one database do not overlap. */
  prefix: string;
  /** Per-try timeout. @defaultValue 60000 */
  timeoutMs?: number;
  /** Pause before retrying an id that got no answer or a 5xx, like a client backing off. @defaultValue 50 */
  retryPauseMs?: number;
}

/**
 * Starts `clients` concurrent clients. Each posts new unique ids one after the other; an id that
 * gets no answer or a non-200 status is posted again, until it gets a 200. The ids are
 * `<prefix>-c<client>-<n>`, each with its own text, so a stored document can be checked against
 * what was posted.
 */
export function webhookLoad(options: WebhookLoadOptions): WebhookLoad {
  const clients = options.clients ?? 8;
  const urlOf = typeof options.url === 'function' ? options.url : () => options.url as string;
  const posts: PostRecord[] = [];
  const statuses: Record<string, number> = {};
  let noAnswer = 0;
  let stopping = false;

  async function tryOnce(post: PostRecord): Promise<boolean> {
    try {
      const res = await request(urlOf() + INCOMING_PATH, {
        method: 'POST',
        headers: { Authorization: `Token ${options.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: post.id, from: post.from, content: post.content }),
        timeoutMs: options.timeoutMs ?? 60000,
      });
      post.tries.push(res.status);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200) {
        post.answer = res.json as { saved: number; duplicate?: boolean };
        return true;
      }
    } catch (err) {
      noAnswer++;
      post.tries.push((err as Error).message);
    }
    await new Promise((r) => setTimeout(r, options.retryPauseMs ?? 50));
    return false;
  }

  async function client(c: number): Promise<void> {
    for (let n = 0; !stopping; n++) {
      const id = `${options.prefix}-c${c}-${n}`;
      const post: PostRecord = { id, from: `+2547${String(10000000 + c * 100000 + n).slice(-8)}`, content: `message ${n} from client ${c} (${id})`, tries: [] };
      posts.push(post);
      while (!(await tryOnce(post))) {
        // tried again until answered
      }
    }
  }

  const running = Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const report = (): LoadReport => ({ posts: [...posts], noAnswer, statuses: { ...statuses } });
  return {
    answered: () => posts.filter((p) => p.answer).length,
    count: (status) => statuses[status] ?? 0,
    report,
    async stop() {
      stopping = true;
      await running;
      return report();
    },
  };
}

export interface StoredCheck {
  /** Posted ids with exactly one document. */
  storedOnce: number;
  /** Posted ids stored more than once (by gateway_ref). */
  duplicates: string[];
  /** Posted ids with no document. */
  missing: string[];
  /** Documents that do not hold what was posted (half-written or wrong). */
  wrong: string[];
  /** Incoming documents whose gateway_ref was never posted. */
  unexpected: string[];
}

/** Counts the incoming documents by `sms_message.gateway_ref` (through _all_docs) against what was posted. */
export async function checkStored(db: CouchDb, posts: PostRecord[]): Promise<StoredCheck> {
  const all = await db.allDocs<IncomingDataRecord>({ include_docs: true });
  const byRef = new Map<string, IncomingDataRecord[]>();
  for (const row of all.rows) {
    const doc = row.doc;
    const ref = doc?.sms_message?.gateway_ref;
    if (doc && doc.type === 'data_record' && ref !== undefined) {
      byRef.set(ref, [...(byRef.get(ref) ?? []), doc]);
    }
  }
  const check: StoredCheck = { storedOnce: 0, duplicates: [], missing: [], wrong: [], unexpected: [] };
  const posted = new Set<string>();
  for (const post of posts) {
    posted.add(post.id);
    const docs = byRef.get(post.id) ?? [];
    if (docs.length === 0) {
      check.missing.push(post.id);
    } else if (docs.length > 1) {
      check.duplicates.push(post.id);
    } else {
      check.storedOnce++;
      const doc = docs[0];
      const complete =
        doc.sms_message.message === post.content &&
        doc.sms_message.from === post.from &&
        Array.isArray(doc.errors) &&
        Array.isArray(doc.tasks) &&
        typeof doc.reported_date === 'number' &&
        typeof doc._rev === 'string' &&
        doc._rev.startsWith('1-');
      if (!complete) {
        check.wrong.push(post.id);
      }
    }
  }
  for (const ref of byRef.keys()) {
    if (!posted.has(ref)) {
      check.unexpected.push(ref);
    }
  }
  return check;
}

// ---------------------------------------------------------------------------------------------
// Outgoing messages: written the way CHT writes them, checked against what RapidPro received.

export interface PendingMessage {
  docId: string;
  uuid: string;
  to: string;
  text: string;
}

/**
 * Writes `count` pending messages with distinct texts and recipients: `multiDocs` documents with
 * `tasksPerDoc` tasks each (one message per task, as CHT writes them), the rest one per document.
 */
export async function writePending(db: CouchDb, spec: { count: number; multiDocs?: number; tasksPerDoc?: number; label?: string }): Promise<PendingMessage[]> {
  const label = spec.label ?? crypto.randomBytes(3).toString('hex');
  const messages: PendingMessage[] = [];
  const docs: MessageDoc[] = [];
  const now = new Date().toISOString();
  const newDoc = (id: string): MessageDoc => ({ _id: id, type: 'data_record', kujua_message: true, form: null, reported_date: Date.now(), errors: [], tasks: [] });
  let i = 0;
  const task = (doc: MessageDoc) => {
    const m: PendingMessage = {
      docId: doc._id,
      uuid: crypto.randomUUID(),
      to: `+2547${String(20000000 + i).slice(-8)}`,
      text: `Reminder ${i} (${label}): please visit the clinic`,
    };
    i++;
    messages.push(m);
    const t: Task = { messages: [{ uuid: m.uuid, to: m.to, message: m.text }], state: 'pending', state_history: [{ state: 'pending', timestamp: now }] };
    doc.tasks?.push(t);
  };
  for (let d = 0; d < (spec.multiDocs ?? 0) && i < spec.count; d++) {
    const doc = newDoc(`out-${label}-multi-${d}`);
    for (let t = 0; t < (spec.tasksPerDoc ?? 1) && i < spec.count; t++) {
      task(doc);
    }
    docs.push(doc);
  }
  while (i < spec.count) {
    const doc = newDoc(`out-${label}-single-${i}`);
    task(doc);
    docs.push(doc);
  }
  for (let start = 0; start < docs.length; start += 100) {
    const results = await db.bulkDocs(docs.slice(start, start + 100));
    const failed = results.filter((r) => r.error);
    if (failed.length) {
      throw new Error(`could not write pending messages: ${JSON.stringify(failed.slice(0, 3))}`);
    }
  }
  return messages;
}

/** Where each message stands, read from the database. */
export async function taskStates(db: CouchDb, messages: PendingMessage[]): Promise<Map<string, Task | undefined>> {
  const docs = await db.fetch<MessageDoc>([...new Set(messages.map((m) => m.docId))]);
  const states = new Map<string, Task | undefined>();
  for (const m of messages) {
    const doc = docs.get(m.docId);
    const task = [...(doc?.tasks ?? []), ...(doc?.scheduled_tasks ?? [])].find((t) => t.messages?.some((msg) => msg.uuid === m.uuid));
    states.set(m.uuid, task);
  }
  return states;
}

/** How many of the messages are in `state`. */
export async function countInState(db: CouchDb, messages: PendingMessage[], state: string): Promise<number> {
  return [...(await taskStates(db, messages)).values()].filter((t) => t?.state === state).length;
}

const RANK: Record<string, number> = { pending: 0, 'forwarded-to-gateway': 0, 'received-by-gateway': 1, 'forwarded-by-gateway': 2, sent: 3, delivered: 4, failed: 4 };

export interface OutgoingCheck {
  messages: number;
  /** Messages whose task is `delivered`. */
  delivered: number;
  /** How many tasks end in each state. */
  states: Record<string, number>;
  /** Broadcasts RapidPro received for one (URN, text) beyond the first. */
  duplicates: number;
  /** Messages RapidPro never received. */
  lost: number;
  /** Broadcasts for a (URN, text) that was never pending. */
  strangers: number;
  /** Tasks whose state, state_history or gateway_ref do not add up, with why. */
  inconsistent: string[];
  /** Documents the service wrote that are not valid message documents. */
  unreadable: string[];
}

function textOf(b: BroadcastRecord): string {
  return Object.values(b.text).find((t): t is string => typeof t === 'string') ?? '';
}

/**
 * Checks every message against the database and RapidPro's broadcasts: each (URN, text) received
 * exactly once, each task's history a forward-only sequence from `pending` that ends in its state,
 * and its gateway_ref the broadcast that carried it.
 */
export async function checkOutgoing(db: CouchDb, broadcasts: BroadcastRecord[], messages: PendingMessage[]): Promise<OutgoingCheck> {
  const received = new Map<string, BroadcastRecord[]>();
  for (const b of broadcasts) {
    for (const urn of b.urns) {
      const key = `${urn}|${textOf(b)}`;
      received.set(key, [...(received.get(key) ?? []), b]);
    }
  }
  const check: OutgoingCheck = { messages: messages.length, delivered: 0, states: {}, duplicates: 0, lost: 0, strangers: 0, inconsistent: [], unreadable: [] };
  const expected = new Set<string>();
  const docIds = [...new Set(messages.map((m) => m.docId))];
  const raw = await db.fetch<MessageDoc>(docIds);
  for (const id of docIds) {
    const doc = raw.get(id);
    if (!doc || !Array.isArray(doc.tasks) || doc.tasks.some((t) => typeof t !== 'object' || t === null || !Array.isArray(t.state_history))) {
      check.unreadable.push(id);
    }
  }
  const tasks = await taskStates(db, messages);
  for (const m of messages) {
    const key = `tel:${m.to}|${m.text}`;
    expected.add(key);
    const got = received.get(key) ?? [];
    check.duplicates += Math.max(0, got.length - 1);
    if (got.length === 0) {
      check.lost++;
    }
    const task = tasks.get(m.uuid);
    const state = task?.state ?? 'missing';
    check.states[state] = (check.states[state] ?? 0) + 1;
    if (state === 'delivered') {
      check.delivered++;
    }
    const problems: string[] = [];
    const history = task?.state_history ?? [];
    if (!history.length || history[0].state !== 'pending') {
      problems.push('history does not start with pending');
    }
    if (history.length && history[history.length - 1].state !== state) {
      problems.push(`history ends in ${history[history.length - 1].state}, task says ${state}`);
    }
    for (let h = 1; h < history.length; h++) {
      const before = history[h - 1];
      const after = history[h];
      if ((RANK[after.state] ?? -1) <= (RANK[before.state] ?? -1)) {
        problems.push(`${before.state} then ${after.state}`);
      }
      if (!(Date.parse(after.timestamp) >= Date.parse(before.timestamp))) {
        problems.push(`time goes back at ${after.state}`);
      }
    }
    if (got.length === 1 && task && task.gateway_ref !== got[0].id && task.gateway_ref !== got[0].uuid) {
      problems.push(`gateway_ref ${String(task.gateway_ref)} is not broadcast ${got[0].id}`);
    }
    if (problems.length) {
      check.inconsistent.push(`${m.docId}/${m.uuid}: ${problems.join('; ')}`);
    }
  }
  for (const key of received.keys()) {
    if (!expected.has(key)) {
      check.strangers++;
    }
  }
  return check;
}

export interface SendingRig {
  sim: RapidProSimulator;
  store: StoreProcess;
  conn: Connection;
  messages: PendingMessage[];
  /** Broadcasts RapidPro has created so far, counted from its events (cheaper to poll than sim.broadcasts()). */
  created(): number;
}

/**
 * What every sending fault test starts from: a RapidPro simulator with fast progression, a store
 * process, the outgoing token and settings pointing at the simulator, and pending messages written.
 */
export async function startSendingRig(procs: ProcessSet, options: { token: string; workspaceName?: string; pending: Parameters<typeof writePending>[1] }): Promise<SendingRig> {
  const sim = createRapidProSimulator({
    workspaces: [{ token: options.token, ...(options.workspaceName ? { name: options.workspaceName } : {}) }],
    messageCreationDelayMs: 20,
    progression: [
      { status: 'wired', afterMs: 30 },
      { status: 'sent', afterMs: 60 },
      { status: 'delivered', afterMs: 90 },
    ],
  });
  let created = 0;
  sim.events.on('broadcast', (e: BroadcastEvent) => {
    if (e.type === 'created') {
      created++;
    }
  });
  const simUrl = await sim.listen(0, '127.0.0.1');
  const store = await procs.startStore();
  const conn = await connect(store);
  await conn.vault.set('rapidpro:outgoing', options.token);
  await conn.settings.update(
    { sms: { outgoing_service: 'rapidpro', rapidpro: { url: simUrl, poll_interval_seconds: 0.5, requests_per_hour: 100000, request_timeout_seconds: 3 } } },
    { replace: true },
  );
  const messages = await writePending(conn.db, options.pending);
  return { sim, store, conn, messages, created: () => created };
}
