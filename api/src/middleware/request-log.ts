/**
 * One log line per request: a request id (also sent back as X-Request-Id), method, path, status and
 * time taken. Query strings and bodies are never logged.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../../shared-libs/logger/src';

export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const id = crypto.randomBytes(6).toString('hex');
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    let logged = false;
    const log = (aborted: boolean) => {
      if (logged) {
        return;
      }
      logged = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = req.originalUrl.split('?')[0];
      const status = aborted && !res.writableFinished ? 'aborted' : String(res.statusCode);
      const line = `${req.method} ${path} ${status} ${ms.toFixed(1)}ms`;
      const meta = { req: id };
      if (res.statusCode >= 500) {
        logger.warn(line, meta);
      } else {
        logger.info(line, meta);
      }
    };
    res.on('finish', () => log(false));
    res.on('close', () => log(true));
    next();
  };
}
