/**
 * Steps 5 and 6: an incoming SMS posted exactly as RapidPro's "Call Webhook" flow node posts it,
 * then the same post again (a retry), checked in CouchDB itself.
 */
import crypto from 'node:crypto';
import type { MessageDoc } from '../../shared-libs/messages/src/types';
import { callApi, DemoContext } from './context';
import { bodyText, expectStatus } from './http';
import { HIDDEN } from './narrator';

const WEBHOOK_PATH = '/api/v2/sms/rapidpro/incoming-messages';

export interface IncomingSms {
  /** RapidPro's flow run uuid: the message's identity, and what makes a retry recognisable. */
  id: string;
  from: string;
  content: string;
}

export function sampleIncomingSms(): IncomingSms {
  return { id: crypto.randomUUID(), from: '+254712345678', content: 'REG Sarah 24' };
}

function postWebhook(ctx: DemoContext, sms: IncomingSms) {
  return callApi(ctx, 'POST', WEBHOOK_PATH, { authorization: `Token ${ctx.config.incomingToken}`, json: sms });
}

function sameJson(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/** The stored record for this RapidPro id; exactly one must exist. */
async function storedRecord(ctx: DemoContext, sms: IncomingSms): Promise<MessageDoc> {
  const docs = await ctx.db.byGatewayRef(sms.id);
  if (docs.length !== 1) {
    throw new Error(`expected 1 document for RapidPro id ${sms.id} in CouchDB, found ${docs.length}`);
  }
  return docs[0];
}

export async function receiveSms(ctx: DemoContext, sms: IncomingSms): Promise<void> {
  await ctx.narrator.step('Receiving an SMS the way a RapidPro flow webhook sends it', async (log) => {
    const answer = expectStatus(await postWebhook(ctx, sms), 200, `POST ${WEBHOOK_PATH}`);
    if (!sameJson(answer.json, { saved: 1 })) {
      throw new Error(`expected {"saved":1}, the service answered ${bodyText(answer)}`);
    }
    const doc = await storedRecord(ctx, sms);
    const smsPart = (doc.sms_message ?? {}) as { gateway_ref?: unknown; message?: unknown };
    if (doc.type !== 'data_record' || smsPart.gateway_ref !== sms.id) {
      throw new Error(`the stored document ${doc._id} is not the expected data_record`);
    }
    const errors = Array.isArray(doc.errors) ? doc.errors : [];
    log.detail(`POST ${WEBHOOK_PATH}`);
    log.detail(`   Authorization: Token ${HIDDEN}`);
    log.detail(`   ${JSON.stringify(sms)}`);
    log.detail(`-> ${answer.status} ${bodyText(answer)}`);
    log.detail(`Stored in CouchDB (found through the cht-rapidpro/messages_by_gateway_ref view):`);
    log.detail(`   _id: ${doc._id}, type: ${doc.type}`);
    log.detail(`   form: ${JSON.stringify(doc.form)}, from: ${JSON.stringify(doc.from)}`);
    log.detail(`   fields: ${JSON.stringify(doc.fields)}, errors: ${errors.length ? JSON.stringify(errors) : 'none'}`);
    log.detail(`   sms_message: message ${JSON.stringify(smsPart.message)}, gateway_ref ${JSON.stringify(smsPart.gateway_ref)} (the RapidPro id)`);
  });
}

export async function receiveRetry(ctx: DemoContext, sms: IncomingSms): Promise<void> {
  await ctx.narrator.step('Posting the same webhook again, as a retry would', async (log) => {
    const answer = expectStatus(await postWebhook(ctx, sms), 200, `POST ${WEBHOOK_PATH} (again)`);
    if (!sameJson(answer.json, { saved: 0, duplicate: true })) {
      throw new Error(`expected {"saved":0,"duplicate":true}, the service answered ${bodyText(answer)}`);
    }
    const doc = await storedRecord(ctx, sms);
    log.note('duplicate detected');
    log.detail(`-> ${answer.status} ${bodyText(answer)}`);
    log.detail(`CouchDB still holds exactly 1 document for this message (${doc._id}).`);
  });
}
