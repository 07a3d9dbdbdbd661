// Minimal typings for the two untyped packages the embedded store is built from.
declare module 'pouchdb-node' {
  interface PouchDBConstructor {
    defaults(options: { prefix?: string }): PouchDBConstructor;
  }
  const PouchDB: PouchDBConstructor;
  export = PouchDB;
}

declare module 'express-pouchdb' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  interface ExpressPouchDBOptions {
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    configPath?: string;
    logPath?: string;
    overrideMode?: { exclude?: string[]; include?: string[] };
  }
  type Handler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;
  function expressPouchDB(PouchDB: unknown, options?: ExpressPouchDBOptions): Handler;
  export = expressPouchDB;
}
