import { expect } from 'chai';
import { telUrn, urnKey } from '../../../sentinel/src/urns';

describe('URNs', () => {
  it("normalises with CHT's rules, keeping a number it cannot normalise as written", () => {
    expect(telUrn({ default_country_code: 64 }, '0275552636')).to.equal('tel:+64275552636');
    expect(telUrn({}, '+254 712 345 678')).to.equal('tel:+254712345678');
    expect(telUrn({}, '12')).to.equal('tel:12');
    expect(telUrn({}, 'tel:+254712345678')).to.equal('tel:+254712345678');
  });

  it('compares URNs written with different punctuation', () => {
    expect(urnKey('tel:+254 712-345-678')).to.equal(urnKey('tel:+254712345678'));
    expect(urnKey('TEL:+1 (555) 123')).to.equal('tel:+1555123');
    expect(urnKey('tel:254712345678')).to.not.equal(urnKey('tel:+254712345678'));
    expect(urnKey('whatsapp:123')).to.equal('whatsapp:123');
  });
});
