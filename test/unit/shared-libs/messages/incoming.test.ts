import { expect } from 'chai';
import { buildIncomingRecord, incomingDocId } from '../../../../shared-libs/messages/src';

describe('incoming SMS records', () => {
  it('derives the same UUID-shaped document id from the same RapidPro id, and different ones otherwise', () => {
    const a = incomingDocId('0f6a1b4e-3c2d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(a).to.equal(incomingDocId('0f6a1b4e-3c2d-4e5f-8a9b-0c1d2e3f4a5b'));
    expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(incomingDocId('other')).to.not.equal(a);
    expect(incomingDocId('_leading-underscore')).to.not.match(/^_/);
  });

  it("builds CHT's data_record with a normalised from and the raw one kept in sms_message", () => {
    const record = buildIncomingRecord({ id: 'run-1', from: '0275552636', content: 'hello there' }, { default_country_code: 64 }, 1700000000000);
    expect(record).to.deep.include({
      type: 'data_record',
      from: '+64275552636',
      errors: [],
      tasks: [],
      fields: {},
      reported_date: 1700000000000,
    });
    expect(record.sms_message).to.deep.include({ type: 'sms_message', message: 'hello there', from: '0275552636', gateway_ref: 'run-1', form: 'HELLO' });
    expect(record).to.not.have.property('form');
    expect(record._id).to.equal(incomingDocId('run-1'));
  });

  it('keeps a number that does not normalise as it came', () => {
    const record = buildIncomingRecord({ id: 'r', from: '12', content: 'x' }, {}, 1);
    expect(record.from).to.equal('12');
  });

  it('stores empty text with the sys.empty error instead of losing it', () => {
    const record = buildIncomingRecord({ id: 'r', from: '+64275552636', content: '   ' }, {}, 1);
    expect(record.errors.map((e) => e.code)).to.include('sys.empty');
    expect(record.sms_message.message).to.equal('   ');
  });
});
