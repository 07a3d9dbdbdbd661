/**
 * Public types of the RapidPro API v2 simulator.
 *
 * Names follow the reference notes (shared/reference/rapidpro-api.md): API values are the exact strings
 * RapidPro emits; times carry their unit in the name (`afterMs`, `windowMs`).
 */
import type { EventEmitter } from 'node:events';

/** The two live RapidPro code lines: community 9.x and upstream/TextIt. */
export type ApiLine = 'rp9' | 'upstream';

/** Throttle scopes used by the simulated endpoints (`v2.broadcasts` exists on rp9 only). */
export type ThrottleScope = 'v2' | 'v2.broadcasts' | 'v2.messages';

/** Requests allowed per window, by scope. */
export type ThrottleRates = Partial<Record<ThrottleScope, number>>;

/** Statuses an outgoing message can have (`read` exists on upstream only). */
export type OutgoingStatus = 'queued' | 'wired' | 'sent' | 'delivered' | 'read' | 'errored' | 'failed';

/** Every message status the API can show; `handled` is for incoming messages. */
export type MessageStatus = OutgoingStatus | 'handled';

export type MessageDirection = 'in' | 'out';
export type MessageVisibility = 'visible' | 'archived';

/** Broadcast status values as the API shows them: rp9 uses queued/sent(/failed), upstream the rest. */
export type BroadcastStatus =
  | 'pending'
  | 'queued'
  | 'started'
  | 'completed'
  | 'failed'
  | 'interrupted'
  | 'sent';

/** Clock every simulated time comes from (created_on, throttle window, Retry-After, delays). */
export interface SimClock {
  /** Simulated epoch milliseconds; may carry a fraction (microsecond precision). */
  now(): number;
  /** Runs `fn` after `ms` simulated milliseconds. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** `{uuid, name}` reference as RapidPro renders contacts, channels, groups and flows. */
export interface ObjectRef {
  uuid: string;
  name: string | null;
}

/** One quick reply (upstream only). */
export interface QuickReply {
  type: 'text' | 'form' | 'url' | 'location';
  text: string;
  extra?: string;
}

/** A workspace (RapidPro org): its own tokens, data and throttle buckets. */
export interface WorkspaceOptions {
  /** API token; also the key used by the programmatic API (`workspaceToken`). */
  token: string;
  /** Further tokens of the same workspace; they share its data and throttle buckets. */
  extraTokens?: string[];
  /** Display name, also shown in the request log. Defaults to `Workspace <n>`. */
  name?: string;
  /** ISO 3166 alpha-2 default country for local phone numbers (e.g. `KE`); none by default. */
  country?: string;
  /** Per-workspace rate overrides, like RapidPro's `org.api_rates`. */
  rates?: ThrottleRates;
  /** Anonymous workspace: URNs are rendered as null. Default false. */
  anonymous?: boolean;
  /** Flagged or suspended workspace: every POST gets the matching `non_field_errors`. */
  blocked?: 'flagged' | 'suspended';
  /** Channel shown on outgoing messages. Defaults to a generated "Simulated Channel". */
  channel?: ObjectRef;
}

/** Throttle configuration (DRF sliding log). */
export interface ThrottleOptions {
  /** Overrides on top of the line's preset (rp9: v2 2500, v2.broadcasts 36000, v2.messages 2500). */
  rates?: ThrottleRates;
  /** Sliding window length. @defaultValue 3600000 (one hour) */
  windowMs?: number;
}

/** One scripted status change, relative to the message's creation. */
export interface ProgressionStep {
  status: OutgoingStatus;
  /** Simulated milliseconds after the message was created. */
  afterMs: number;
}

/** Progression for the URNs it matches (first matching rule wins over the default list). */
export interface ProgressionRule {
  /** Exact normalised URN, e.g. `tel:+254712345678`. */
  urn?: string;
  /** Regular expression source tested against the normalised URN, e.g. `^tel:\\+2547`. */
  urnPattern?: string;
  steps: ProgressionStep[];
}

/** Everything the simulator can be configured with; every field has a default. */
export interface SimulatorOptions {
  /** Which RapidPro line to imitate. @defaultValue 'rp9' */
  mode: ApiLine;
  /** Workspaces; default one workspace with token `sim-token`. */
  workspaces: WorkspaceOptions[];
  throttle: ThrottleOptions;
  /** Page size of list endpoints. @defaultValue 250 */
  pageSize: number;
  /** Delay between a broadcast POST and the creation of its messages. @defaultValue 1000 */
  messageCreationDelayMs: number;
  /** Default status steps of every outgoing message. @defaultValue wired@1000, sent@2000, delivered@5000 */
  progression: ProgressionStep[];
  /** Per-URN progressions, checked in order before the default. @defaultValue [] */
  progressionRules: ProgressionRule[];
  /** Time source. @defaultValue realClock */
  clock: SimClock;
  /** Workspace primary flow language: a bare `text` is stored under it. @defaultValue 'eng' */
  primaryLanguage: string;
  /** Oldest request-log entries are dropped past this count. @defaultValue 100000 */
  maxRequestLogEntries: number;
}

export type FaultKind = 'status' | 'hang' | 'empty' | 'html' | 'drop';

/** A fault applied to the next `times` API requests that match `method`/`path`. */
export interface FaultSpec {
  /**
   * status: answer `status` (500 = RapidPro's plain-text server error, others a proxy error page);
   * hang: never answer; empty: 200 with an empty body; html: 200 with an HTML page; drop: destroy the socket.
   */
  kind: FaultKind;
  /** `before`: the request is not processed; `after`: it is processed, then its answer is replaced. @defaultValue 'before' */
  phase?: 'before' | 'after';
  /** HTTP status for kind `status`. @defaultValue 500 */
  status?: number;
  /** Body replacing the default one of kinds `status` and `html`. */
  body?: string;
  /** Content type for `body`. */
  contentType?: string;
  /** Extra response headers (e.g. `{"Retry-After": "5"}`). */
  headers?: Record<string, string>;
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Only requests with exactly this path, e.g. `/api/v2/broadcasts.json`. */
  path?: string;
  /** Only requests whose path matches this regular expression source. */
  pathPattern?: string;
  /** How many matching requests this fault applies to. @defaultValue 1 */
  times?: number;
}

/** One API request as the simulator saw and answered it. */
export interface RequestLogEntry {
  /** Position in the log, from 0, never reused (also after old entries are dropped). */
  index: number;
  method: string;
  path: string;
  /** Query parameters; repeated ones become arrays. */
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, the raw text if it was not JSON, or null when empty. */
  body: unknown;
  /** Simulated time of arrival, epoch ms. */
  simTimeMs: number;
  /** Real time of arrival, epoch ms. */
  realTimeMs: number;
  /** Status sent, or null when the request hung or the connection was dropped. */
  status: number | null;
  /** Body sent (parsed JSON when it was JSON), or null. */
  responseBody: unknown;
  /** Name of the authenticated workspace, null when authentication failed or was not reached. */
  workspace: string | null;
  /** Kind and phase of the fault applied, if any. */
  fault: { kind: FaultKind; phase: 'before' | 'after' } | null;
}

/** A broadcast as stored; `status` is rendered for the current line. */
export interface BroadcastRecord {
  id: number;
  uuid: string;
  workspace: string;
  urns: string[];
  contacts: ObjectRef[];
  groups: ObjectRef[];
  text: Record<string, string | null>;
  attachments: Record<string, string[]>;
  quickReplies: Record<string, QuickReply[]>;
  baseLanguage: string;
  status: BroadcastStatus;
  progress: { total: number; started: number };
  createdOn: string;
  createdOnMs: number;
  messageIds: number[];
}

/** A message as stored. */
export interface MessageRecord {
  id: number;
  uuid: string;
  workspace: string;
  broadcast: number | null;
  contact: ObjectRef;
  urn: string | null;
  channel: ObjectRef | null;
  direction: MessageDirection;
  type: 'text';
  status: MessageStatus;
  visibility: MessageVisibility;
  text: string;
  flow: ObjectRef | null;
  attachments: string[];
  createdOn: string;
  sentOn: string | null;
  modifiedOn: string;
  createdOnMs: number;
  sentOnMs: number | null;
  modifiedOnMs: number;
}

/** A broadcast created directly, bypassing validation and throttling. */
export interface SeedBroadcastInput {
  /** Token of the workspace; the first workspace by default. */
  workspaceToken?: string;
  /** URNs, normalised like the API does (invalid ones throw). */
  urns: string[];
  /** Text, bare or by language. @defaultValue 'Seeded broadcast' */
  text?: string | Record<string, string>;
  /** Creation time as ISO string or epoch ms. @defaultValue now */
  createdOn?: string | number;
  /** Broadcast status (either line's words). Default: sent/completed when messages are created, else queued/pending. */
  status?: BroadcastStatus;
  /** Create one message per URN now. @defaultValue true */
  createMessages?: boolean;
  /** Status of the created messages. @defaultValue 'queued' */
  messageStatus?: OutgoingStatus;
  /** Let the created messages follow the configured progression from their creation time. @defaultValue false */
  applyProgression?: boolean;
}

/** Bulk messages unrelated to any tracked broadcast, to fill sweep windows. */
export interface AddMessagesInput {
  workspaceToken?: string;
  count: number;
  /** @defaultValue 'in' */
  direction?: MessageDirection;
  /** Default `handled` for incoming, `sent` for outgoing. */
  status?: MessageStatus;
  /** Creation time of the first message (ISO or epoch ms). Default: the last one is created now. */
  createdOn?: string | number;
  /** Gap between consecutive messages. @defaultValue 1 */
  spacingMs?: number;
  /** URNs are `<urnPrefix><i>`. @defaultValue 'tel:+25470' plus a 7-digit counter */
  urnPrefix?: string;
  /** @defaultValue 'Seeded message' */
  text?: string;
  /** Broadcast id to link outgoing messages to. @defaultValue null */
  broadcast?: number | null;
  /** Incoming messages handled by a flow (folder `flows`) instead of the inbox. @defaultValue false */
  viaFlow?: boolean;
  /** @defaultValue 'visible' */
  visibility?: MessageVisibility;
}

/** Payload of the `broadcast` event. */
export interface BroadcastEvent {
  type: 'created' | 'status';
  broadcast: BroadcastRecord;
}

/** Payload of the `message` event. */
export interface MessageEvent {
  type: 'created' | 'status';
  message: MessageRecord;
  previousStatus: MessageStatus | null;
}

/** The simulator: an HTTP server answering like RapidPro, plus the handles tests drive it with. */
export interface RapidProSimulator {
  /** Starts listening; resolves the base URL, e.g. `http://127.0.0.1:40123`. Port 0 picks a free port. */
  listen(port?: number, host?: string): Promise<string>;
  /** Base URL once listening, '' before. */
  readonly url: string;
  /** Stops listening, ends hanging requests and cancels every scheduled step. */
  close(): Promise<void>;
  /** Back to a fresh state (data, log, faults, throttle history), with `options` over the defaults. */
  reset(options?: Partial<SimulatorOptions>): void;
  /** Changes options keeping the data; `throttle.rates` merge into the current overrides. */
  configure(patch: Partial<SimulatorOptions>): void;
  /** Current options. */
  readonly options: Readonly<SimulatorOptions>;
  injectFaults(faults: FaultSpec[]): void;
  /** Faults still waiting, with their remaining use count. */
  pendingFaults(): Array<FaultSpec & { remaining: number }>;
  clearFaults(): void;
  /** The request log, optionally from entry `since` on. */
  requests(since?: number): RequestLogEntry[];
  clearRequests(): void;
  /** Broadcasts of one workspace (or all), by id. */
  broadcasts(workspaceToken?: string): BroadcastRecord[];
  /** Messages of one workspace (or all), by id. */
  messages(workspaceToken?: string): MessageRecord[];
  /** Writes a status now (courier-style), cancelling the message's remaining scripted steps. */
  setMessageStatus(messageId: number, status: MessageStatus, workspaceToken?: string): void;
  seedBroadcast(input: SeedBroadcastInput): BroadcastRecord;
  /** Adds unrelated messages in bulk; returns how many. */
  addMessages(input: AddMessagesInput): number;
  /** Emits `request` (RequestLogEntry), `broadcast` (BroadcastEvent), `message` (MessageEvent). */
  readonly events: EventEmitter;
}
