import { expect } from 'chai';
import type { MessageEvent } from '../../rapidpro-simulator';
import { DATETIME, nextEvent, pollUntil, results, startSim, type Harness } from './helpers';

const URN = 'tel:+254712345678';
const KIN = { kin: 'Muraho' };

describe('rapidpro-simulator: POST broadcasts.json validation (reference §3.2)', () => {
  let h: Harness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => h.sim.reset());

  const rows: Array<[string, unknown, unknown]> = [
    ['{}', {}, { non_field_errors: ['Must provide either text or attachments.'] }],
    ['text without recipients', { text: 'hi' }, { non_field_errors: ['Must provide either urns, contacts or groups.'] }],
    ['empty recipient lists', { text: 'hi', urns: [], contacts: [], groups: [] }, { non_field_errors: ['Must provide either urns, contacts or groups.'] }],
    ['tel:12', { urns: ['tel:12'], text: 'hi' }, { urns: { '0': ['Invalid URN: tel:12. Ensure phone numbers contain country codes.'] } }],
    ['a local number with no default country', { urns: ['tel:0712345678'], text: 'hi' }, { urns: { '0': ['Invalid URN: tel:0712345678. Ensure phone numbers contain country codes.'] } }],
    ['an unknown scheme, an item error keyed by index', { urns: [URN, 'foo:bar'], text: 'hi' }, { urns: { '1': ['Invalid URN: foo:bar. Ensure phone numbers contain country codes.'] } }],
    ['urns as a string', { urns: URN, text: 'hi' }, { urns: ['Expected a list of items but got type "str".'] }],
    ['101 URNs', { urns: Array.from({ length: 101 }, (_, i) => `tel:+2547${String(10000000 + i)}`), text: 'hi' }, { urns: ['Ensure this field has no more than 100 elements.'] }],
    ['an unknown group', { urns: [URN], groups: [123456], text: 'hi' }, { groups: ['No such object: 123456'] }],
    ['an unknown contact', { contacts: ['5a1f0e2c-0000-4000-8000-000000000000'], text: 'hi' }, { contacts: ['No such object: 5a1f0e2c-0000-4000-8000-000000000000'] }],
    ['blank text', { urns: [URN], text: '' }, { text: { eng: ['This field may not be blank.'] } }],
    ['whitespace text', { urns: [URN], text: '   ' }, { text: { eng: ['This field may not be blank.'] } }],
    ['641 characters (rp9)', { urns: [URN], text: 'x'.repeat(641) }, { text: { eng: ['Ensure this field has no more than 640 characters.'] } }],
    ['a two-letter language', { urns: [URN], text: { xx: 'hi' } }, { text: { xx: ['Not an allowed ISO 639-3 language code.'] } }],
    ['text of another type', { urns: [URN], text: 5 }, { text: ['Expected a dictionary of items but got type "int".'] }],
    ['an empty text dict', { urns: [URN], text: {} }, { text: ['This dictionary may not be empty.'] }],
    ['null text', { urns: [URN], text: null }, { text: ['This field may not be null.'] }],
    ['base_language missing from text', { urns: [URN], text: KIN, base_language: 'eng' }, { non_field_errors: ['No text translation provided in base language.'] }],
    ['attachments without the base language', { urns: [URN], text: { eng: 'hi', kin: 'Muraho' }, attachments: { kin: [] }, base_language: 'eng' }, { non_field_errors: ['No attachment translations provided in base language.'] }],
    ['an unknown media UUID', { urns: [URN], text: 'hi', attachments: ['9a1f0e2c-0000-4000-8000-000000000000'] }, { attachments: { eng: ['No such object: 9a1f0e2c-0000-4000-8000-000000000000'] } }],
    ['a bad base_language', { urns: [URN], text: 'hi', base_language: 'english' }, { base_language: ['Ensure this field has no more than 3 characters.', 'Not an allowed ISO 639-3 language code.'] }],
    ['a JSON list body', [URN], { non_field_errors: ['Request body should be a single JSON object'] }],
    ['a JSON string body', 'hello', { non_field_errors: ['Request body should be a single JSON object'] }],
    ['a JSON null body', null, { non_field_errors: ['Request body should be a single JSON object'] }],
  ];
  for (const [label, body, errors] of rows) {
    it(`400 for ${label}`, async () => {
      const res = await h.post(body);
      expect(res.status).to.equal(400);
      expect(res.json).to.deep.equal(errors);
      expect(h.sim.broadcasts()).to.have.length(0);
    });
  }

  it('reports field errors (in declaration order) before any object-level error', async () => {
    const res = await h.post({ text: '', base_language: 'xx', urns: 'x' });
    expect(res.status).to.equal(400);
    expect(Object.keys(res.json as object)).to.deep.equal(['urns', 'text', 'base_language']);
  });

  it('upstream: text up to 4096, quick replies need the base language', async () => {
    h.sim.reset({ mode: 'upstream' });
    expect((await h.post({ urns: [URN], text: 'x'.repeat(4096) })).status).to.equal(201);
    const long = await h.post({ urns: [URN], text: 'x'.repeat(4097) });
    expect(long.json).to.deep.equal({ text: { eng: ['Ensure this field has no more than 4096 characters.'] } });
    const qr = await h.post({ urns: [URN], text: { eng: 'hi', kin: 'Muraho' }, quick_replies: { kin: ['Yego'] }, base_language: 'eng' });
    expect(qr.json).to.deep.equal({ non_field_errors: ['No quick_replies translations provided in base language.'] });
    const ok = await h.post({ urns: [URN], text: 'Agree?', quick_replies: ['Yes', { text: 'No', extra: 'n' }] });
    expect((ok.json as { quick_replies: unknown }).quick_replies).to.deep.equal({
      eng: [{ type: 'text', text: 'Yes' }, { type: 'text', text: 'No', extra: 'n' }],
    });
    const tooLong = await h.post({ urns: [URN], text: 'x', quick_replies: ['y'.repeat(65)] });
    expect(tooLong.json).to.deep.equal({ quick_replies: { eng: { '0': { text: ['Ensure this field has no more than 64 characters.'] } } } });
  });

  it('rp9 accepts exactly 640 characters and ignores quick_replies and unknown keys', async () => {
    const res = await h.post({ urns: [URN], text: 'é'.repeat(640), quick_replies: 'ignored', channel: 'x' });
    expect(res.status).to.equal(201);
    expect(res.json).to.not.have.property('quick_replies');
  });

  it('answers a plain-text 500 for base_language with attachments but no text (RapidPro quirk)', async () => {
    const res = await h.post({ urns: [URN], attachments: [], base_language: 'eng' });
    expect(res.status).to.equal(500);
    expect(res.text).to.equal('Server Error. Site administrators have been notified.');
  });

  it('refuses every POST of a flagged or suspended workspace', async () => {
    h.sim.reset({ workspaces: [{ token: 'sim-token', blocked: 'flagged' }, { token: 's', blocked: 'suspended' }] });
    expect((await h.post({ urns: [URN], text: 'hi' })).json).to.deep.equal({
      non_field_errors: ['Sorry, your workspace is currently flagged. To re-enable starting flows and sending messages, please contact support.'],
    });
    expect((await h.post({}, { token: 's' })).json).to.deep.equal({
      non_field_errors: ['Sorry, your workspace is currently suspended. To re-enable starting flows and sending messages, please contact support.'],
    });
  });

  it('treats an empty body or one without content type as {} and refuses other media types', async () => {
    const empty = await h.api('/api/v2/broadcasts.json', { method: 'POST', rawBody: '' });
    expect(empty.json).to.deep.equal({ non_field_errors: ['Must provide either text or attachments.'] });
    const badJson = await h.api('/api/v2/broadcasts.json', { method: 'POST', rawBody: '{"urns":', headers: { 'Content-Type': 'application/json' } });
    expect(badJson.status).to.equal(400);
    expect((badJson.json as { detail: string }).detail).to.match(/^JSON parse error - /);
    const text = await h.api('/api/v2/broadcasts.json', { method: 'POST', rawBody: 'hi', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).to.equal(415);
    expect(text.json).to.deep.equal({ detail: 'Unsupported media type "text/plain" in request.' });
  });
});

describe('rapidpro-simulator: POST broadcasts.json success (reference §3.3)', () => {
  let h: Harness;
  before(async () => {
    h = await startSim();
  });
  after(() => h.close());
  beforeEach(() => h.sim.reset());

  it('rp9: 201 with integer id, status queued, fields in rp9 order', async () => {
    const res = await h.post({ urns: [URN], text: 'hello' });
    expect(res.status).to.equal(201);
    const body = res.json as Record<string, unknown>;
    expect(Object.keys(body)).to.deep.equal(['id', 'urns', 'contacts', 'groups', 'text', 'attachments', 'base_language', 'status', 'created_on']);
    expect(body).to.deep.include({
      urns: [URN],
      contacts: [],
      groups: [],
      text: { eng: 'hello' },
      attachments: { eng: [] },
      base_language: 'eng',
      status: 'queued',
    });
    expect(body.id).to.be.a('number');
    expect(body.created_on).to.match(DATETIME);
  });

  it('upstream: 201 with uuid, status pending, progress -1, quick_replies, id last', async () => {
    h.sim.reset({ mode: 'upstream' });
    const res = await h.post({ urns: [URN], text: 'hello' });
    expect(res.status).to.equal(201);
    const body = res.json as Record<string, unknown>;
    expect(Object.keys(body)).to.deep.equal([
      'uuid', 'status', 'progress', 'urns', 'contacts', 'groups', 'text', 'attachments', 'quick_replies', 'base_language', 'created_on', 'id',
    ]);
    expect(body).to.deep.include({ status: 'pending', progress: { total: -1, started: 0 }, quick_replies: { eng: [] } });
    expect(body.uuid).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h.sim.broadcasts()[0].uuid).to.equal(body.uuid);
  });

  it('normalises tel URNs to E.164 and echoes the normalised form', async () => {
    const res = await h.post({ urns: ['tel:+254 712-345-678', 'tel:254712345679', 'TEL:(+1) 202 555 0100'], text: 'hi' });
    expect((res.json as { urns: string[] }).urns).to.deep.equal(['tel:+254712345678', 'tel:+254712345679', 'tel:+12025550100']);
  });

  it('renders URNs as null for an anonymous workspace', async () => {
    h.sim.reset({ workspaces: [{ token: 'sim-token', anonymous: true }], messageCreationDelayMs: 0 });
    const created = nextEvent<MessageEvent>(h.sim.events, 'message');
    const res = await h.post({ urns: [URN], text: 'hi' });
    expect((res.json as { urns: unknown }).urns).to.equal(null);
    await created;
    expect(results(await h.api('/api/v2/messages.json'))[0].urn).to.equal(null);
  });

  it('uses the workspace default country for local numbers', async () => {
    h.sim.reset({ workspaces: [{ token: 'sim-token', country: 'KE' }] });
    const res = await h.post({ urns: ['tel:0712345678', 'tel:712345679'], text: 'hi' });
    expect(res.status).to.equal(201);
    expect((res.json as { urns: string[] }).urns).to.deep.equal(['tel:+254712345678', 'tel:+254712345679']);
  });

  it('keeps a text dict as given, base language = first key, and a configurable primary language', async () => {
    const dict = await h.post({ urns: [URN], text: { kin: 'Muraho', eng: 'Hello' } });
    expect(dict.json).to.deep.include({ text: { kin: 'Muraho', eng: 'Hello' }, attachments: { kin: [], eng: [] }, base_language: 'kin' });
    h.sim.reset({ primaryLanguage: 'fra' });
    expect((await h.post({ urns: [URN], text: 'Bonjour' })).json).to.deep.include({ text: { fra: 'Bonjour' }, base_language: 'fra' });
  });

  it('resolves contacts by UUID or URN and sends one message per contact', async () => {
    h.sim.reset({ messageCreationDelayMs: 0, progression: [] });
    const firstMessage = nextEvent<MessageEvent>(h.sim.events, 'message', (e) => e.type === 'created');
    const first = await h.post({ urns: [URN, URN, 'tel:+254712345679'], text: 'first' });
    const { message } = await firstMessage;
    const second = await h.post({ contacts: [message.contact.uuid, 'tel:+254712345679'], text: 'second' });
    expect(second.status).to.equal(201);
    expect((second.json as { contacts: Array<{ uuid: string }> }).contacts[0].uuid).to.equal(message.contact.uuid);
    const ids = [first, second].map((r) => (r.json as { id: number }).id);
    const counts = await pollUntil(() => {
      const per = ids.map((id) => h.sim.messages().filter((m) => m.broadcast === id).length);
      return per.every((n) => n === 2) ? per : undefined;
    });
    expect(counts).to.deep.equal([2, 2]);
    expect(h.sim.broadcasts()[0].urns).to.deep.equal([URN, URN, 'tel:+254712345679']);
  });
});
