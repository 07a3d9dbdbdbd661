/**
 * Incoming SMS from RapidPro → CHT `data_record` (reference/cht-rapidpro.md §3.3), saved
 * idempotently: the document id is derived from the RapidPro id, so the same message posted any
 * number of times, even all at once, can only ever create one document. CouchDB's own conflict
 * check decides; there is no look-then-write race.
 */
import crypto from 'node:crypto';
import type { DocCreator } from '../../couch/src';
import { normalizePhoneNumber } from '../../phone/src';
import { parseSms } from '../../sms-parser/src';
import type { AppSettings } from '../../settings/src';
import type { IncomingDataRecord } from './types';

export interface IncomingSms {
  /** RapidPro's id for the message (the flow run uuid); becomes `sms_message.gateway_ref`. */
  id: string;
  from: string;
  content: string;
}

// Namespace for the name-based (RFC 9562 version 5) document ids of incoming RapidPro messages.
const INCOMING_NAMESPACE = Buffer.from('6f0c7d2e4b1a4c8e9f3d2a1b0c9e8d7f', 'hex');

/** A UUID (version 5) derived from the RapidPro id: the same id always gives the same document id. */
export function incomingDocId(gatewayId: string): string {
  const hash = crypto.createHash('sha1').update(INCOMING_NAMESPACE).update(`rapidpro:${gatewayId}`, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Parses as CHT would; form definitions the parser cannot read (a hand-edited `forms` section)
 * must not cost the message, so it is then stored as a message without a recognised form.
 */
function parseWithSettings(settings: AppSettings, content: string): ReturnType<typeof parseSms> {
  const options = { forms_only_mode: settings.forms_only_mode, locale: settings.locale };
  try {
    return parseSms({ ...options, forms: settings.forms as Parameters<typeof parseSms>[0]['forms'] }, content);
  } catch {
    return parseSms(options, content);
  }
}

export function buildIncomingRecord(sms: IncomingSms, settings: AppSettings, reportedDate: number): IncomingDataRecord {
  const parts = parseWithSettings(settings, sms.content);
  const normalised = normalizePhoneNumber(settings, sms.from);
  const record: IncomingDataRecord = {
    _id: incomingDocId(sms.id),
    type: 'data_record',
    from: normalised || sms.from,
    errors: parts.errors,
    tasks: [],
    fields: parts.fields,
    reported_date: reportedDate,
    sms_message: {
      type: 'sms_message',
      message: sms.content,
      from: sms.from,
      gateway_ref: sms.id,
    },
  };
  if (parts.form !== undefined) {
    record.form = parts.form;
  }
  if (parts.smsForm !== undefined) {
    record.sms_message.form = parts.smsForm;
  }
  return record;
}

export type SaveOutcome = 'saved' | 'duplicate';

/**
 * Saves the record; an existing document with its id means this message was stored before. Through
 * a group commit, so a burst of incoming messages is written in few requests.
 */
export async function saveIncomingRecord(creator: DocCreator, record: IncomingDataRecord): Promise<SaveOutcome> {
  return (await creator.create(record)) === 'created' ? 'saved' : 'duplicate';
}
