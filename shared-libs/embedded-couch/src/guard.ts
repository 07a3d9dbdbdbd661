/**
 * The gate in front of express-pouchdb. express-pouchdb runs with no server admin configured
 * ("admin party"), because once an admin exists an unauthenticated `PUT /<db>` crashes it, and a
 * database's `_security` does not stop anonymous reads. So this gate decides who gets in:
 *
 * - `admin` with the right password may do anything but change the server config;
 * - `GET /` and `GET /_session` answer anyone, as CouchDB does (`_session` for `_users` members is
 *   checked by express-pouchdb against their stored pbkdf2 hashes);
 * - the server secret is served where CouchDB serves it, to admins only, so the vault code reads its
 *   key the same way from either server;
 * - everything else gets 401.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const ADMIN_NAME = 'admin';
const SECRET_PATHS = new Set([
  '/_node/_local/_config/couch_httpd_auth/secret',
  '/_node/_local/_config/chttpd_auth/secret',
  '/_node/nonode@nohost/_config/couch_httpd_auth/secret',
  '/_config/couch_httpd_auth/secret',
]);

export type GuardDecision = 'forward' | 'answered';

export interface GuardOptions {
  adminPassword: string;
  serverSecret: string;
}

interface BasicCredentials {
  name: string;
  password: string;
}

export function parseBasic(header: string | undefined): BasicCredentials | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return undefined;
  }
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function digest(text: string): Buffer {
  return crypto.createHash('sha256').update(text).digest();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function createGuard(options: GuardOptions): (req: IncomingMessage, res: ServerResponse) => GuardDecision {
  const expected = digest(options.adminPassword);
  // The API checks the same admin header on every request: remember the last few verdicts.
  const verdicts = new Map<string, boolean>();

  const isAdmin = (header: string | undefined): boolean => {
    if (!header) {
      return false;
    }
    const known = verdicts.get(header);
    if (known !== undefined) {
      return known;
    }
    const creds = parseBasic(header);
    const ok = !!creds && creds.name === ADMIN_NAME && crypto.timingSafeEqual(digest(creds.password), expected);
    if (verdicts.size > 100) {
      verdicts.clear();
    }
    verdicts.set(header, ok);
    return ok;
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const method = (req.method ?? 'GET').toUpperCase();
    const header = req.headers.authorization;
    const admin = isAdmin(header);

    if (path === '/_session') {
      const creds = parseBasic(header);
      if (method === 'GET' && !header && !req.headers.cookie) {
        sendJson(res, 200, { ok: true, userCtx: { name: null, roles: [] } });
        return 'answered';
      }
      if (creds?.name === ADMIN_NAME || (method === 'GET' && !creds)) {
        if (admin) {
          sendJson(res, 200, { ok: true, userCtx: { name: ADMIN_NAME, roles: ['_admin'] } });
        } else {
          sendJson(res, 401, { error: 'unauthorized', reason: 'Name or password is incorrect.' });
        }
        return 'answered';
      }
      return 'forward';
    }
    if (path === '/' && method === 'GET') {
      delete req.headers.authorization;
      return 'forward';
    }
    if (!admin) {
      sendJson(res, 401, { error: 'unauthorized', reason: 'Authentication required.' }, { 'WWW-Authenticate': 'Basic realm="embedded CouchDB"' });
      return 'answered';
    }
    if (SECRET_PATHS.has(path)) {
      if (method !== 'GET') {
        sendJson(res, 403, { error: 'forbidden', reason: 'The embedded store keeps its secret in DATA_DIR.' });
      } else {
        sendJson(res, 200, options.serverSecret);
      }
      return 'answered';
    }
    if ((path.startsWith('/_config') || /^\/_node\/[^/]+\/_config/.test(path)) && method !== 'GET') {
      sendJson(res, 403, { error: 'forbidden', reason: 'The embedded store does not allow configuration changes.' });
      return 'answered';
    }
    // Admin: express-pouchdb serves it as the party's admin; it never sees the password.
    delete req.headers.authorization;
    return 'forward';
  };
}
