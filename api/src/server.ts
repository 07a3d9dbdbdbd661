/** Assembles the express app from its parts; nothing else lives here. */
import express, { Express } from 'express';
import type { CouchClient } from '../../shared-libs/couch/src';
import type { Vault } from '../../shared-libs/credentials/src';
import type { Logger } from '../../shared-libs/logger/src';
import type { SettingsStore } from '../../shared-libs/settings/src';
import { requireAdmin } from './middleware/admin-auth';
import { errorHandler, notFound } from './middleware/errors';
import { requestLog } from './middleware/request-log';
import { securityHeaders } from './middleware/security-headers';
import { credentialsRoutes } from './routes/credentials';
import { healthRoutes } from './routes/health';
import { rapidproIncomingRoutes } from './routes/rapidpro-incoming';
import { settingsRoutes } from './routes/settings';

export interface ApiDeps {
  couch: CouchClient;
  vault: Vault;
  settings: SettingsStore;
  logger: Logger;
  version: string;
  now?: () => number;
}

export function createApp(deps: ApiDeps): Express {
  const now = deps.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Production behaviour whatever NODE_ENV says: no stack traces from express's own fallbacks.
  app.set('env', 'production');
  const admin = requireAdmin(deps.couch, now);

  app.use(requestLog(deps.logger));
  app.use(securityHeaders);
  app.use(healthRoutes({ couch: deps.couch, version: deps.version, now }));
  app.use(
    rapidproIncomingRoutes({
      vault: deps.vault,
      settings: deps.settings,
      db: deps.couch.db(deps.couch.target.dbName),
      logger: deps.logger,
      now,
    }),
  );
  app.use(credentialsRoutes({ vault: deps.vault, logger: deps.logger, requireAdmin: admin }));
  app.use(settingsRoutes({ settings: deps.settings, logger: deps.logger, requireAdmin: admin }));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
