/**
 * Admin-only endpoints: the caller's own HTTP Basic (or CouchDB cookie) credentials must be accepted
 * by CouchDB's `_session` with the `_admin` role. A successful check is remembered for a few seconds
 * so bursts of admin calls do not each cost a round trip.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { CouchClient } from '../../../shared-libs/couch/src';
import { CouchError } from '../../../shared-libs/couch/src';
import { HttpError } from './errors';

const REMEMBER_MS = 5000;

export function requireAdmin(couch: CouchClient, now: () => number = Date.now) {
  const admins = new Map<string, number>();

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const authorization = req.headers.authorization;
    const cookie = typeof req.headers.cookie === 'string' && /AuthSession=/.test(req.headers.cookie) ? req.headers.cookie : undefined;
    if (!authorization && !cookie) {
      res.setHeader('WWW-Authenticate', 'Basic realm="cht-rapidpro-gateway"');
      throw new HttpError(401, 'Authentication required');
    }
    const fingerprint = crypto.createHash('sha256').update(`${authorization ?? ''}\n${cookie ?? ''}`).digest('hex');
    const seen = admins.get(fingerprint);
    if (seen !== undefined && now() - seen < REMEMBER_MS) {
      next();
      return;
    }
    let ctx: { name: string | null; roles: string[] };
    try {
      ctx = await couch.session({ authorization, cookie });
    } catch (err) {
      if (err instanceof CouchError && (err.kind === 'unauthorized' || err.kind === 'forbidden' || err.kind === 'bad_request')) {
        res.setHeader('WWW-Authenticate', 'Basic realm="cht-rapidpro-gateway"');
        throw new HttpError(401, 'Name or password is incorrect');
      }
      throw err;
    }
    if (ctx.name === null) {
      res.setHeader('WWW-Authenticate', 'Basic realm="cht-rapidpro-gateway"');
      throw new HttpError(401, 'Authentication required');
    }
    if (!ctx.roles.includes('_admin')) {
      throw new HttpError(403, 'Insufficient permissions');
    }
    if (admins.size > 1000) {
      admins.clear();
    }
    admins.set(fingerprint, now());
    next();
  };
}
