/**
 * Direct reads and writes on the embedded store's main database, over plain CouchDB HTTP with the
 * admin user: the demo looks at the documents themselves, the way CHT (or an operator with curl)
 * would, rather than trusting the service's own account of them.
 */
import { CHT_VIEWS_DDOC } from '../../shared-libs/couch/src/ddocs';
import type { MessageDoc } from '../../shared-libs/messages/src/types';
import { expectStatus, httpCall } from './http';

export interface Database {
  get<T>(id: string): Promise<T>;
  /** Creates a document; fails if one with that id exists. */
  create(doc: { _id: string }): Promise<void>;
  /** The documents the `messages_by_gateway_ref` view lists for a RapidPro id. */
  byGatewayRef(gatewayRef: string): Promise<MessageDoc[]>;
}

interface ViewAnswer {
  rows?: Array<{ id: string; doc?: MessageDoc }>;
}

export function openDatabase(dbUrl: string, adminAuth: string): Database {
  const headers = { Authorization: adminAuth, Accept: 'application/json' };
  return {
    async get<T>(id: string) {
      const answer = await httpCall(`${dbUrl}/${encodeURIComponent(id)}`, { headers });
      return expectStatus(answer, 200, `CouchDB GET ${id}`).json as T;
    },
    async create(doc) {
      const answer = await httpCall(`${dbUrl}/${encodeURIComponent(doc._id)}`, {
        method: 'PUT',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(doc),
      });
      // CouchDB answers 202 instead of 201 when the write is not yet on a quorum of nodes.
      if (answer.status !== 202) {
        expectStatus(answer, 201, `CouchDB PUT ${doc._id}`);
      }
    },
    async byGatewayRef(gatewayRef) {
      const key = encodeURIComponent(JSON.stringify(gatewayRef));
      const url = `${dbUrl}/_design/${CHT_VIEWS_DDOC}/_view/messages_by_gateway_ref?key=${key}&include_docs=true`;
      const answer = expectStatus(await httpCall(url, { headers, timeoutMs: 30000 }), 200, `the ${CHT_VIEWS_DDOC}/messages_by_gateway_ref view`);
      const rows = (answer.json as ViewAnswer).rows ?? [];
      return rows.map((row) => row.doc).filter((doc): doc is MessageDoc => doc !== undefined && doc !== null);
    },
  };
}
