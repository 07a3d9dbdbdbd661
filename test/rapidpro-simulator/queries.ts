/**
 * Query parameters of GET messages.json and broadcasts.json (reference §3.6, §4.1–4.2), turned into a
 * page of rows: checks in RapidPro's order (one-of rule, id, uuid, broadcast), then filters, ordering and
 * the cursor.
 */
import { parseIsoDatetime } from './datetime';
import { isUuid } from './ids';
import { decodeCursor, paginate, type Page } from './pagination';
import type { ApiLine, MessageStatus } from './types';
import type { BroadcastRow, MessageRow, WorkspaceState } from './rows';
import type { WorkspaceStore } from './workspace-store';

export type ListOutcome<T> =
  | { kind: 'page'; page: Page<T> }
  | { kind: 'error'; status: 400 | 404; detail: string }
  /** RapidPro lets the ORM raise (e.g. a non-integer `broadcast`): a plain-text 500. */
  | { kind: 'server-error' };

const EXCLUSIVE = ['contact', 'folder', 'label', 'broadcast'];

/** `QueryDict.get`: the last value of a repeated parameter. */
function param(params: URLSearchParams, name: string): string | null {
  const all = params.getAll(name);
  return all.length > 0 ? all[all.length - 1] : null;
}

/** Python's `int()` on a query value. */
const isPyInt = (s: string): boolean => /^\s*[+-]?\d+\s*$/.test(s);

interface TimeWindow {
  minUs: number;
  maxUs: number;
  /** An unparseable date: RapidPro filters on an impossible id, so nothing matches. */
  empty: boolean;
}

function timeWindow(params: URLSearchParams): TimeWindow {
  const w: TimeWindow = { minUs: -Infinity, maxUs: Infinity, empty: false };
  const after = param(params, 'after');
  const before = param(params, 'before');
  if (after) {
    const us = parseIsoDatetime(after);
    if (us === null) w.empty = true;
    else w.minUs = us;
  }
  if (before) {
    const us = parseIsoDatetime(before);
    if (us === null) w.empty = true;
    else w.maxUs = us;
  }
  return w;
}

type Check = { ok: true } | { ok: false; outcome: ListOutcome<never> };

function checkIdAndUuid(params: URLSearchParams, line: ApiLine): Check {
  const id = param(params, 'id');
  if (id && !isPyInt(id)) return { ok: false, outcome: { kind: 'error', status: 400, detail: 'Value for id must be an integer' } };
  const uuid = line === 'upstream' ? param(params, 'uuid') : null;
  if (uuid && !isUuid(uuid)) {
    return { ok: false, outcome: { kind: 'error', status: 400, detail: `Param 'uuid': ${uuid} is not a valid UUID.` } };
  }
  return { ok: true };
}

function cursorOf(params: URLSearchParams) {
  return decodeCursor(param(params, 'cursor'));
}

const INVALID_CURSOR = { kind: 'error', status: 404, detail: 'Invalid cursor' } as const;

function folderMatcher(folder: string, line: ApiLine): ((m: MessageRow) => boolean) | null {
  const sent: MessageStatus[] = line === 'upstream' ? ['wired', 'sent', 'delivered', 'read'] : ['wired', 'sent', 'delivered'];
  const handledIn = (m: MessageRow): boolean => m.direction === 'in' && m.status === 'handled';
  switch (folder) {
    case 'inbox':
      return (m) => handledIn(m) && m.visibility === 'visible' && m.flow === null;
    case 'flows':
      return (m) => handledIn(m) && m.visibility === 'visible' && m.flow !== null;
    case 'archived':
      return (m) => handledIn(m) && m.visibility === 'archived';
    case 'outbox':
      return (m) => m.direction === 'out' && (m.status === 'queued' || m.status === 'errored');
    case 'sent':
      return (m) => m.direction === 'out' && sent.includes(m.status);
    case 'failed':
      return (m) => m.direction === 'out' && m.status === 'failed';
    case 'incoming':
      return line === 'rp9' ? handledIn : null;
    default:
      return null;
  }
}

export function listMessages(
  ws: WorkspaceState,
  store: WorkspaceStore,
  line: ApiLine,
  params: URLSearchParams,
  pageSize: number,
): ListOutcome<MessageRow> {
  if (EXCLUSIVE.filter((p) => param(params, p)).length > 1) {
    return { kind: 'error', status: 400, detail: `You may only specify one of the ${EXCLUSIVE.join(', ')} parameters` };
  }
  const checked = checkIdAndUuid(params, line);
  if (!checked.ok) return checked.outcome;
  const broadcast = param(params, 'broadcast');
  if (broadcast && !isPyInt(broadcast)) return { kind: 'server-error' };

  const id = param(params, 'id');
  const uuid = line === 'upstream' ? param(params, 'uuid') : null;
  const contact = param(params, 'contact');
  const folder = param(params, 'folder')?.toLowerCase() || null;
  const window = timeWindow(params);
  const cursor = cursorOf(params);
  if (cursor === 'invalid') return INVALID_CURSOR;

  const inFolder = folder ? folderMatcher(folder, line) : () => true;
  const nothing = (): ListOutcome<MessageRow> => ({ kind: 'page', page: { items: [], next: null, previous: null } });
  if (!inFolder || window.empty || param(params, 'label')) return nothing(); // the simulator has no labels

  const keyOf =
    folder === 'sent'
      ? (m: MessageRow) => m.sentUs ?? 0
      : folder === 'incoming'
        ? (m: MessageRow) => m.modifiedUs
        : (m: MessageRow) => m.createdUs;
  const timeOf = folder === 'incoming' ? (m: MessageRow) => m.modifiedUs : (m: MessageRow) => m.createdUs;
  const broadcastId = broadcast ? Number(broadcast) : null;

  // Start from the smallest set of candidates, then check every filter on each row.
  let small: MessageRow[] | null = null;
  if (id) small = [store.messageById(Number(id))].filter((m): m is MessageRow => m?.workspace === ws);
  else if (uuid) small = [ws.data.messagesByUuid.get(uuid.toLowerCase())].filter((m): m is MessageRow => m !== undefined);
  else if (broadcastId !== null) small = store.broadcastById(broadcastId)?.messages ?? [];
  else if (contact) small = ws.data.messagesByContact.get(contact) ?? [];

  const matches = (m: MessageRow): boolean =>
    m.workspace === ws &&
    (!id || m.id === Number(id)) &&
    (!uuid || m.uuid === uuid.toLowerCase()) &&
    (broadcastId === null || m.broadcastId === broadcastId) &&
    (!contact || m.contact.uuid === contact) &&
    (folder !== 'sent' || m.sentUs !== null) &&
    inFolder(m) &&
    timeOf(m) >= window.minUs &&
    timeOf(m) <= window.maxUs;

  const index = folder === 'sent' ? ws.data.bySent : folder === 'incoming' ? ws.data.incomingByModified : ws.data.byCreated;
  const rows =
    small === null
      ? index.rows
      : small.filter(matches).sort((a, b) => keyOf(a) - keyOf(b) || a.id - b.id);
  const boundsApply = folder !== 'sent';
  const page = paginate({
    rows,
    keyOf,
    matches,
    minKey: boundsApply ? window.minUs : undefined,
    maxKey: boundsApply ? window.maxUs : undefined,
    cursor,
    pageSize,
  });
  return { kind: 'page', page };
}

export function listBroadcasts(
  ws: WorkspaceState,
  store: WorkspaceStore,
  line: ApiLine,
  params: URLSearchParams,
  pageSize: number,
): ListOutcome<BroadcastRow> {
  const checked = checkIdAndUuid(params, line);
  if (!checked.ok) return checked.outcome;
  const id = param(params, 'id');
  const uuid = line === 'upstream' ? param(params, 'uuid') : null;
  const window = timeWindow(params);
  const cursor = cursorOf(params);
  if (cursor === 'invalid') return INVALID_CURSOR;
  if (window.empty) return { kind: 'page', page: { items: [], next: null, previous: null } };

  let rows: readonly BroadcastRow[] = ws.data.broadcasts.rows;
  if (id) rows = [store.broadcastById(Number(id))].filter((b): b is BroadcastRow => b?.workspace === ws);
  else if (uuid) rows = [ws.data.broadcastsByUuid.get(uuid.toLowerCase())].filter((b): b is BroadcastRow => b !== undefined);
  const page = paginate({
    rows,
    keyOf: (b) => b.createdUs,
    matches: (b) =>
      (!uuid || b.uuid === uuid.toLowerCase()) && b.createdUs >= window.minUs && b.createdUs <= window.maxUs,
    minKey: window.minUs,
    maxKey: window.maxUs,
    cursor,
    pageSize,
  });
  return { kind: 'page', page };
}
