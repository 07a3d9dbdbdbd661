/**
 * PUT /api/v1/credentials/:key — stores a secret, encrypted, in the vault (CONTRACT §3.2).
 * Admins only. The body is the secret as raw text, whatever the Content-Type (curl's default
 * form type included). Secrets can never be read back over HTTP.
 */
import { Request, Response, Router } from 'express';
import type { RequestHandler } from 'express';
import type { Vault } from '../../../shared-libs/credentials/src';
import type { Logger } from '../../../shared-libs/logger/src';
import { HttpError, methodNotAllowed } from '../middleware/errors';
import { rawBody } from '../middleware/raw-body';

export const CREDENTIAL_BODY_LIMIT_BYTES = 64 * 1024;
const MAX_KEY_LENGTH = 200;

export interface CredentialsRouteDeps {
  vault: Vault;
  logger: Logger;
  requireAdmin: RequestHandler;
}

export function credentialsRoutes(deps: CredentialsRouteDeps): Router {
  const router = Router();

  const put = async (req: Request, res: Response): Promise<void> => {
    const key = String(req.params.key ?? '');
    if (!key) {
      throw new HttpError(400, 'Missing required param "key"');
    }
    if (key.length > MAX_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(key)) {
      throw new HttpError(400, `The key must be at most ${MAX_KEY_LENGTH} printable characters`);
    }
    const secret = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if (!secret) {
      throw new HttpError(400, 'Missing required request body');
    }
    await deps.vault.set(key, secret);
    deps.logger.info(`Stored credential "${key}"`);
    res.json({ ok: true });
  };

  router
    .route('/api/v1/credentials')
    .put(deps.requireAdmin, () => {
      throw new HttpError(400, 'Missing required param "key"');
    })
    .all(methodNotAllowed(['PUT']));
  router
    .route('/api/v1/credentials/:key')
    .put(deps.requireAdmin, rawBody(CREDENTIAL_BODY_LIMIT_BYTES), put)
    .all(methodNotAllowed(['PUT']));
  return router;
}
