/**
 * POST /api/v2/sms/rapidpro/incoming-messages (and CHT's legacy v1 path with its "radpidpro"
 * typo): a RapidPro flow's webhook delivers one incoming SMS (CONTRACT §3.1).
 *
 * Order of checks: the token (403s) before the body is read, then the body (413, 400), then the
 * fields (400), then the write (200 or 503). RapidPro flows do not retry webhooks, so a message we
 * could keep is never refused: a retry of a stored id answers 200, and empty text is stored.
 */
import crypto from 'node:crypto';
import { NextFunction, Request, Response, Router } from 'express';
import { CREDENTIAL_KEYS, CredentialUnreadableError, Vault } from '../../../shared-libs/credentials/src';
import type { CouchDb } from '../../../shared-libs/couch/src';
import { createGroupCommit } from '../../../shared-libs/couch/src';
import type { Logger } from '../../../shared-libs/logger/src';
import { buildIncomingRecord, IncomingSms, saveIncomingRecord } from '../../../shared-libs/messages/src';
import type { SettingsStore } from '../../../shared-libs/settings/src';
import { HttpError, methodNotAllowed } from '../middleware/errors';
import { rawBody } from '../middleware/raw-body';
import { parseJsonBody } from './json-body';

export const INCOMING_PATHS = ['/api/v2/sms/rapidpro/incoming-messages', '/api/v1/sms/radpidpro/incoming-messages'];
export const INCOMING_BODY_LIMIT_BYTES = 1024 * 1024;
const MAX_ID_LENGTH = 256;
const MAX_FROM_LENGTH = 128;
const TOKEN_HEADER = /^Token\s+(.+)$/s;

export interface IncomingRouteDeps {
  vault: Vault;
  settings: SettingsStore;
  db: CouchDb;
  logger: Logger;
  now: () => number;
}

/** Compares in constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given, 'utf8').digest();
  const b = crypto.createHash('sha256').update(expected, 'utf8').digest();
  return crypto.timingSafeEqual(a, b);
}

/** Logs an operator problem at most once a minute, however many requests hit it. */
function onceAMinute(logger: Logger, now: () => number) {
  const last = new Map<string, number>();
  return (message: string) => {
    const at = last.get(message);
    if (at === undefined || now() - at > 60000) {
      last.set(message, now());
      logger.warn(message);
    }
  };
}

type FieldCheck = { value: string } | { problem: string };

/** Half of a UTF-16 surrogate pair, without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * JSON.parse accepts "\ud83d" alone, the embedded store stores it, and CouchDB refuses the whole
 * document as invalid UTF-8. Replaced with U+FFFD, the message is kept on both, and the same way on
 * every retry.
 */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

function textField(body: Record<string, unknown>, name: string, required: boolean, maxLength?: number): FieldCheck {
  const raw = body[name];
  if (raw === undefined || raw === null || raw === '') {
    return required ? { problem: 'is required' } : { value: '' };
  }
  if (typeof raw === 'number' && Number.isFinite(raw)) {
    return { value: String(raw) };
  }
  if (typeof raw !== 'string') {
    return { problem: `must be text, not ${Array.isArray(raw) ? 'an array' : typeof raw}` };
  }
  if (required && !raw.trim()) {
    return { problem: 'is required' };
  }
  if (maxLength !== undefined && raw.length > maxLength) {
    return { problem: `must be at most ${maxLength} characters` };
  }
  return { value: wellFormed(raw) };
}

export function readIncomingSms(body: Record<string, unknown>): IncomingSms {
  const checks = {
    id: textField(body, 'id', true, MAX_ID_LENGTH),
    from: textField(body, 'from', true, MAX_FROM_LENGTH),
    content: textField(body, 'content', false),
  };
  const problems: Record<string, string> = {};
  for (const [name, check] of Object.entries(checks)) {
    if ('problem' in check) {
      problems[name] = check.problem;
    }
  }
  if (Object.keys(problems).length) {
    throw new HttpError(400, 'Message was not saved', problems);
  }
  const value = (c: FieldCheck) => ('value' in c ? c.value : '');
  return { id: value(checks.id), from: value(checks.from), content: value(checks.content) };
}

export function rapidproIncomingRoutes(deps: IncomingRouteDeps): Router {
  const router = Router();
  const warn = onceAMinute(deps.logger, deps.now);
  // Messages that arrive together are written together: one _bulk_docs request for a burst.
  const creator = createGroupCommit(deps.db);

  const checkToken = async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const match = TOKEN_HEADER.exec(req.headers.authorization ?? '');
    if (!match) {
      throw new HttpError(403, 'Missing authorization token');
    }
    let expected: string | undefined;
    try {
      expected = await deps.vault.get(CREDENTIAL_KEYS.incoming);
    } catch (err) {
      if (err instanceof CredentialUnreadableError) {
        warn(err.message);
        throw new HttpError(503, 'The incoming key cannot be read on the server; an administrator must store it again');
      }
      throw err;
    }
    if (!expected) {
      warn(`No incoming key configured: store it with PUT /api/v1/credentials/${CREDENTIAL_KEYS.incoming}`);
      throw new HttpError(403, 'No incoming key configured');
    }
    if (!tokensMatch(match[1], expected)) {
      throw new HttpError(403, 'Incorrect token');
    }
    next();
  };

  const receive = async (req: Request, res: Response): Promise<void> => {
    const body = parseJsonBody(req.body);
    const sms = readIncomingSms(body);
    const record = buildIncomingRecord(sms, await deps.settings.get(), deps.now());
    const outcome = await saveIncomingRecord(creator, record);
    if (outcome === 'duplicate') {
      res.json({ saved: 0, duplicate: true });
      return;
    }
    res.json({ saved: 1 });
  };

  for (const path of INCOMING_PATHS) {
    router
      .route(path)
      .post(checkToken, rawBody(INCOMING_BODY_LIMIT_BYTES), receive)
      .all(methodNotAllowed(['POST']));
  }
  return router;
}
