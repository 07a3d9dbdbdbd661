/**
 * GET /health (CONTRACT §3.4): 200 when CouchDB answers, 503 when it does not; with what the
 * sentinel last reported — when it last ran a send and a poll cycle, and whether it is sending.
 */
import { Request, Response, Router } from 'express';
import type { CouchClient } from '../../../shared-libs/couch/src';
import { readSentinelStatus, SentinelStatus } from '../../../shared-libs/sentinel-status/src';
import { methodNotAllowed } from '../middleware/errors';

export interface HealthRouteDeps {
  couch: CouchClient;
  version: string;
  now: () => number;
}

function describeSentinel(status: SentinelStatus | undefined, now: number) {
  if (!status) {
    return { running: false, state: 'The sentinel has not reported yet' };
  }
  const ageMs = now - Date.parse(status.updated_at);
  const running = ageMs <= Math.max(3 * status.heartbeat_ms, 30000);
  const { _id, _rev, ...report } = status;
  void _id;
  void _rev;
  return {
    running,
    state: running
      ? status.active
        ? status.idle_reason ?? 'sending'
        : status.idle_reason ?? 'standing by'
      : `No heartbeat for ${Math.round(ageMs / 1000)} s: the sentinel is not running`,
    ...report,
  };
}

export function healthRoutes(deps: HealthRouteDeps): Router {
  const router = Router();
  const health = async (_req: Request, res: Response): Promise<void> => {
    const couchdb = { reachable: false, url: deps.couch.target.publicServerUrl, database: deps.couch.target.dbName };
    try {
      await deps.couch.ping(3000);
      couchdb.reachable = true;
    } catch {
      res.status(503).json({ status: 'unavailable', version: deps.version, couchdb, error: 'CouchDB is not reachable' });
      return;
    }
    let sentinel: ReturnType<typeof describeSentinel> | { running: false; state: string };
    try {
      sentinel = describeSentinel(await readSentinelStatus(deps.couch), deps.now());
    } catch {
      sentinel = { running: false, state: 'The sentinel status could not be read' };
    }
    res.json({ status: 'ok', version: deps.version, couchdb, sentinel });
  };
  router.route('/health').get(health).all(methodNotAllowed(['GET']));
  return router;
}
