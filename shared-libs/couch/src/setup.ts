/**
 * Start-up preparation of the databases: the main one, `<db>-vault` (admins only) and
 * `<db>-rapidpro` (this service's bookkeeping), and this project's design docs. Idempotent and
 * safe when the API and the sentinel run it at the same time.
 */
import type { Logger } from '../../logger/src';
import type { CouchClient } from './client';
import { CouchError } from './errors';
import { DESIGN_DOCS, DesignDoc, CHT_OWN_DDOCS } from './ddocs';
import { metaDbName, vaultDbName } from './target';

const ADMINS_ONLY = {
  admins: { names: [], roles: ['_admin'] },
  members: { names: [], roles: ['_admin'] },
};

function isAdminsOnly(security: unknown): boolean {
  return JSON.stringify(security) === JSON.stringify(ADMINS_ONLY);
}

async function restrictToAdmins(couch: CouchClient, db: string, logger: Logger): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      if (isAdminsOnly(await couch.request({ db, path: '_security' }))) {
        return;
      }
      await couch.request({ db, path: '_security', method: 'put', body: ADMINS_ONLY });
      return;
    } catch (err) {
      if (err instanceof CouchError && err.kind === 'conflict') {
        continue; // another process set it at the same moment: read it again
      }
      // Some CouchDB-compatible servers do not implement _security; the vault stays encrypted anyway.
      logger.warn(`Could not restrict ${db} to admins`, { reason: (err as Error).message });
      return;
    }
  }
}

function sameViews(a: DesignDoc, b: DesignDoc): boolean {
  return JSON.stringify(a.views) === JSON.stringify(b.views);
}

async function installDesignDoc(couch: CouchClient, dbName: string, ddoc: DesignDoc, logger: Logger): Promise<void> {
  if (CHT_OWN_DDOCS.includes(ddoc._id)) {
    throw new Error(`refusing to write CHT's own design doc ${ddoc._id}`);
  }
  const db = couch.db(dbName);
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await db.get<DesignDoc>(ddoc._id);
    if (existing && sameViews(existing, ddoc)) {
      return;
    }
    try {
      await db.put({ ...ddoc, _rev: existing?._rev });
      logger.info(`${existing ? 'Updated' : 'Installed'} design doc ${ddoc._id} in ${dbName}`);
      return;
    } catch (err) {
      if (!(err instanceof CouchError && err.kind === 'conflict')) {
        throw err;
      }
      // Another process installed it at the same moment: read again and compare.
    }
  }
  throw new Error(`could not install ${ddoc._id}: it kept changing`);
}

export async function setupDatabases(couch: CouchClient, logger: Logger): Promise<void> {
  const { dbName } = couch.target;
  for (const name of [dbName, vaultDbName(dbName), metaDbName(dbName)]) {
    if (await couch.db(name).create()) {
      logger.info(`Created database ${name}`);
    }
  }
  await restrictToAdmins(couch, vaultDbName(dbName), logger);
  for (const ddoc of DESIGN_DOCS) {
    await installDesignDoc(couch, dbName, ddoc, logger);
  }
}
