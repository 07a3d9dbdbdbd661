/**
 * GET and PUT /api/v1/settings — CHT's app settings (CONTRACT §3.3). Admins only. PUT merges the
 * JSON body into the current settings (objects key by key, arrays replaced), or replaces them all
 * with `?replace=true`; a result whose `sms` section is invalid is refused and nothing is saved.
 */
import { Request, Response, Router } from 'express';
import type { RequestHandler } from 'express';
import type { Logger } from '../../../shared-libs/logger/src';
import { InvalidSettingsError, SettingsStore } from '../../../shared-libs/settings/src';
import { HttpError, methodNotAllowed } from '../middleware/errors';
import { rawBody } from '../middleware/raw-body';
import { parseJsonBody } from './json-body';

export const SETTINGS_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export interface SettingsRouteDeps {
  settings: SettingsStore;
  logger: Logger;
  requireAdmin: RequestHandler;
}

function isTrue(value: unknown): boolean {
  return typeof value === 'string' && ['true', '1', 'yes'].includes(value.toLowerCase());
}

export function settingsRoutes(deps: SettingsRouteDeps): Router {
  const router = Router();

  const get = async (_req: Request, res: Response): Promise<void> => {
    res.json(await deps.settings.get());
  };

  const put = async (req: Request, res: Response): Promise<void> => {
    const body = parseJsonBody(req.body);
    const replace = isTrue(req.query.replace);
    try {
      const { updated } = await deps.settings.update(body, { replace });
      if (updated) {
        deps.logger.info(`App settings ${replace ? 'replaced' : 'updated'}`);
      }
      res.json({ success: true, updated });
    } catch (err) {
      if (err instanceof InvalidSettingsError) {
        throw new HttpError(400, err.message, err.problems);
      }
      throw err;
    }
  };

  router
    .route('/api/v1/settings')
    .get(deps.requireAdmin, get)
    .put(deps.requireAdmin, rawBody(SETTINGS_BODY_LIMIT_BYTES), put)
    .all(methodNotAllowed(['GET', 'PUT']));
  return router;
}
