/**
 * Applies changes to message tasks in their documents. Changes are functions of the task, so after
 * a conflict (CHT or a user edited the document meanwhile) they are applied again to the fresh
 * document rather than overwriting it. Several changes to one document go out in one revision.
 */
import type { CouchDb } from '../../shared-libs/couch/src';
import { CouchError } from '../../shared-libs/couch/src';
import type { MessageDoc, Task } from '../../shared-libs/messages/src';
import { findTask } from '../../shared-libs/messages/src';

export interface TaskChange {
  docId: string;
  messageUuid: string;
  /** Changes the task in place; returns false when there was nothing to change. */
  apply(task: Task): boolean;
}

export interface WriteReport {
  /** Documents saved. */
  saved: number;
  /** Message uuids whose document or task no longer exists. */
  missing: string[];
}

const MAX_ROUNDS = 6;
const CHUNK = 200;

export function createStateWriter(db: CouchDb): { write(changes: TaskChange[]): Promise<WriteReport> } {
  async function round(byDoc: Map<string, TaskChange[]>, report: WriteReport): Promise<Map<string, TaskChange[]>> {
    const docs = await db.fetch<MessageDoc>([...byDoc.keys()]);
    const toSave: MessageDoc[] = [];
    for (const [docId, changes] of byDoc) {
      const doc = docs.get(docId);
      if (!doc) {
        report.missing.push(...changes.map((c) => c.messageUuid));
        continue;
      }
      let changed = false;
      for (const change of changes) {
        const task = findTask(doc, change.messageUuid);
        if (!task) {
          report.missing.push(change.messageUuid);
        } else if (change.apply(task)) {
          changed = true;
        }
      }
      if (changed) {
        toSave.push(doc);
      }
    }
    const retry = new Map<string, TaskChange[]>();
    for (let i = 0; i < toSave.length; i += CHUNK) {
      const results = await db.bulkDocs(toSave.slice(i, i + CHUNK));
      for (const result of results) {
        if (!result.error) {
          report.saved++;
        } else if (result.error === 'conflict') {
          retry.set(result.id, byDoc.get(result.id) ?? []);
        } else {
          throw new CouchError('other', `could not save ${result.id}: ${result.reason ?? result.error}`);
        }
      }
    }
    return retry;
  }

  return {
    async write(changes) {
      const report: WriteReport = { saved: 0, missing: [] };
      let byDoc = new Map<string, TaskChange[]>();
      for (const change of changes) {
        byDoc.set(change.docId, [...(byDoc.get(change.docId) ?? []), change]);
      }
      for (let i = 0; i < MAX_ROUNDS && byDoc.size; i++) {
        byDoc = await round(byDoc, report);
      }
      report.missing = [...new Set(report.missing)];
      if (byDoc.size) {
        throw new CouchError('conflict', `documents kept changing while their message states were written: ${[...byDoc.keys()].join(', ')}`);
      }
      return report;
    },
  };
}
