/**
 * The embedded CouchDB-compatible store: express-pouchdb on LevelDB files under DATA_DIR/couch,
 * on 127.0.0.1 only, behind the guard. Used when COUCH_URL is not set; a real CouchDB is the
 * production answer.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';
import type { Logger } from '../../logger/src';
import { createGuard } from './guard';
import { answerLongpoll, longpollTarget, PouchLike } from './longpoll';

export interface EmbeddedCouchOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  adminPassword: string;
  serverSecret: string;
  logger: Logger;
}

export interface EmbeddedCouch {
  readonly port: number;
  /** Base URL without credentials. */
  readonly url: string;
  close(): Promise<void>;
}

export class PortInUseError extends Error {}

export async function startEmbeddedCouch(options: EmbeddedCouchOptions): Promise<EmbeddedCouch> {
  const storeDir = path.join(options.dataDir, 'couch');
  fs.mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const Pouch = PouchDB.defaults({ prefix: storeDir + path.sep });
  const pouchApp = expressPouchDB(Pouch, {
    mode: 'fullCouchDB',
    configPath: path.join(storeDir, 'config.json'),
    logPath: path.join(storeDir, 'log.txt'),
  });
  const pouches = new Map<string, PouchLike>();
  const pouchFor = (name: string): PouchLike => {
    let db = pouches.get(name);
    if (!db) {
      db = new (Pouch as unknown as new (dbName: string) => PouchLike)(name);
      pouches.set(name, db);
    }
    return db;
  };
  const guard = createGuard({ adminPassword: options.adminPassword, serverSecret: options.serverSecret });

  const server = http.createServer((req, res) => {
    try {
      if (guard(req, res) === 'forward') {
        const url = new URL(req.url ?? '/', 'http://embedded.invalid');
        const longpollDb = longpollTarget(req, url, storeDir);
        if (longpollDb) {
          answerLongpoll(pouchFor(longpollDb), url, res).catch((err: unknown) => {
            options.logger.warn('Embedded store: a changes long-poll failed', { reason: (err as Error).message });
            if (!res.headersSent) {
              res.writeHead(500, { 'Content-Type': 'application/json' });
            }
            res.end(JSON.stringify({ error: 'internal_error', reason: 'internal error' }));
          });
          return;
        }
        pouchApp(req, res, (err?: unknown) => {
          if (!res.headersSent) {
            res.writeHead(err ? 500 : 404, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ error: err ? 'internal_error' : 'not_found', reason: err ? 'internal error' : 'missing' }));
          }
        });
      }
    } catch (err) {
      options.logger.error('Embedded store failed to handle a request', { path: req.url, reason: (err as Error).message });
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
      }
      res.end(JSON.stringify({ error: 'internal_error', reason: 'internal error' }));
    }
  });
  server.keepAliveTimeout = 65000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${options.port} on 127.0.0.1 is already in use. Set EMBEDDED_COUCH_PORT to another port, or COUCH_URL to use that CouchDB.`)
          : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, '127.0.0.1');
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
