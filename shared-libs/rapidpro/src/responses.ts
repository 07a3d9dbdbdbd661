/**
 * Reading RapidPro's answers, both API lines: RapidPro 9.x (integer ids) and upstream/TextIt
 * (uuids, with the deprecated ids still present). Anything that does not have the fields this
 * service relies on is refused here, so a login page or a `{}` can never pass for an acceptance.
 */
export interface BroadcastInfo {
  id?: number;
  uuid?: string;
  status?: string;
  /** Normalised URNs as RapidPro stored them; null in anonymous workspaces. */
  urns: string[] | null;
  /** Text by language (a bare string is kept under `base`). */
  text: Record<string, string>;
  created_on: string;
}

export interface MessageInfo {
  id: number;
  uuid?: string;
  broadcast: number | null;
  urn: string | null;
  direction: string;
  status: string;
  created_on: string;
  modified_on?: string;
}

export interface Page<T> {
  next: string | null;
  results: T[];
  /** Items on the page that did not have the expected shape (skipped). */
  malformed: number;
}

export interface WorkspaceInfo {
  uuid: string;
  name?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDate(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

export function parseBroadcast(body: unknown): BroadcastInfo | undefined {
  if (!isObject(body)) {
    return undefined;
  }
  const id = typeof body.id === 'number' && Number.isInteger(body.id) ? body.id : undefined;
  const uuid = typeof body.uuid === 'string' && body.uuid ? body.uuid : undefined;
  if ((id === undefined && uuid === undefined) || !isDate(body.created_on)) {
    return undefined;
  }
  let text: Record<string, string> = {};
  if (typeof body.text === 'string') {
    text = { base: body.text };
  } else if (isObject(body.text)) {
    text = Object.fromEntries(Object.entries(body.text).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  const urns = Array.isArray(body.urns) ? body.urns.filter((u): u is string => typeof u === 'string') : null;
  return { id, uuid, status: typeof body.status === 'string' ? body.status : undefined, urns, text, created_on: body.created_on };
}

export function parseMessage(item: unknown): MessageInfo | undefined {
  if (!isObject(item) || typeof item.id !== 'number' || typeof item.status !== 'string' || !isDate(item.created_on)) {
    return undefined;
  }
  return {
    id: item.id,
    uuid: typeof item.uuid === 'string' ? item.uuid : undefined,
    broadcast: typeof item.broadcast === 'number' ? item.broadcast : null,
    urn: typeof item.urn === 'string' ? item.urn : null,
    direction: typeof item.direction === 'string' ? item.direction : '',
    status: item.status,
    created_on: item.created_on,
    modified_on: typeof item.modified_on === 'string' ? item.modified_on : undefined,
  };
}

export function parsePage<T>(body: unknown, parseItem: (item: unknown) => T | undefined): Page<T> | undefined {
  if (!isObject(body) || !Array.isArray(body.results) || !('next' in body)) {
    return undefined;
  }
  const next = typeof body.next === 'string' && body.next ? body.next : null;
  const results: T[] = [];
  let malformed = 0;
  for (const item of body.results) {
    const parsed = parseItem(item);
    if (parsed === undefined) {
      malformed++;
    } else {
      results.push(parsed);
    }
  }
  return { next, results, malformed };
}

export function parseWorkspace(body: unknown): WorkspaceInfo | undefined {
  if (!isObject(body) || typeof body.uuid !== 'string' || !body.uuid) {
    return undefined;
  }
  return { uuid: body.uuid, name: typeof body.name === 'string' ? body.name : undefined };
}
