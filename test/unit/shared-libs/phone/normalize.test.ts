import { expect } from 'chai';
import { normalizePhoneNumber, PhoneSettings } from '../../../../shared-libs/phone/src';

interface Case {
  label: string;
  settings: PhoneSettings;
  phone: unknown;
  expected: string | false;
}

const NZ: PhoneSettings = { default_country_code: 64 };
const NZ_NONE: PhoneSettings = { default_country_code: 64, phone_validation: 'none' };
const NZ_PARTIAL: PhoneSettings = { default_country_code: 64, phone_validation: 'partial' };

// Examples asserted by CHT core's own tests (reference §8).
const CHT_EXAMPLES: Case[] = [
  { label: 'E.164 stays as it is', settings: NZ, phone: '+64275552636', expected: '+64275552636' },
  { label: 'a US number despite a NZ default', settings: NZ, phone: '+15155556442', expected: '+15155556442' },
  { label: '+ number without settings', settings: {}, phone: '+64275552636', expected: '+64275552636' },
  { label: 'national number gets the default code', settings: NZ, phone: '0275552636', expected: '+64275552636' },
  { label: 'short number with validation none', settings: NZ_NONE, phone: '4234', expected: '4234' },
  { label: 'national number without a default code', settings: {}, phone: '0275552636', expected: false },
  { label: 'empty text', settings: NZ, phone: '', expected: false },
  { label: 'right length, invalid number', settings: NZ, phone: '5155556442123', expected: false },
  { label: 'one letter in place of a digit', settings: NZ, phone: '02755K2636', expected: false },
  { label: 'three letters (vanity number)', settings: NZ, phone: '0275HHH636', expected: false },
  { label: 'three letters inserted', settings: NZ, phone: '0275552kkk636', expected: false },
  { label: 'two trailing letters', settings: NZ, phone: '0275552636ff', expected: false },
  { label: 'two letters inside', settings: NZ, phone: '02755526ff36', expected: false },
  { label: 'angle brackets are not phone punctuation', settings: NZ, phone: '0275552<636>', expected: false },
  { label: 'spaces, brackets, dots and dashes in an international number', settings: NZ, phone: '+ 6 4 - 02 7.-.5.(55((2636.', expected: '+64275552636' },
  { label: 'spaces, brackets, dots and dashes in a national number', settings: NZ, phone: ' 0  2 7-..5.(55((26 36.', expected: '+64275552636' },
  { label: 'national prefix after the country code is dropped', settings: NZ, phone: '+640275552636', expected: '+64275552636' },
];

// More behaviour from CHT's phone-number tests and google-libphonenumber, checked differentially.
const MORE: Case[] = [
  { label: 'full validation rejects 123', settings: NZ, phone: '123', expected: false },
  { label: 'partial: 4 digits are too short in NZ', settings: NZ_PARTIAL, phone: '1234', expected: false },
  { label: 'partial: 6 digits are possible in NZ', settings: NZ_PARTIAL, phone: '123456', expected: '+64123456' },
  { label: 'partial: 7 digits are possible in NZ', settings: NZ_PARTIAL, phone: '1234567', expected: '+641234567' },
  { label: 'partial is case-insensitive', settings: { default_country_code: 64, phone_validation: 'PaRtIaL' }, phone: '123456', expected: '+64123456' },
  { label: 'none accepts 123 (E.164: not a short number)', settings: NZ_NONE, phone: '123', expected: '+64123' },
  { label: 'none is case-insensitive', settings: { default_country_code: 64, phone_validation: 'NONE' }, phone: '4234', expected: '4234' },
  { label: 'unknown validation value means full', settings: { default_country_code: 64, phone_validation: 'whatever' }, phone: '123', expected: false },
  { label: 'a non-string validation value rejects everything', settings: { default_country_code: 64, phone_validation: 5 as unknown as string }, phone: '0275552636', expected: false },
  { label: 'country code as a string', settings: { default_country_code: '1' }, phone: '+   1 --(80.0 ()()55..6 -8725', expected: '+18005568725' },
  { label: 'funky punctuation', settings: { default_country_code: '1' }, phone: '+1 <800> 556 8725', expected: false },
  { label: "Uganda: too short (CHT's LG example)", settings: { default_country_code: 256 }, phone: '+25601234', expected: false },
  { label: 'Uganda mobile, national', settings: { default_country_code: 256 }, phone: '0772 123456', expected: '+256772123456' },
  { label: 'Uganda: 5-digit local-only length is possible', settings: { default_country_code: 256, phone_validation: 'partial' }, phone: '23333', expected: '+25623333' },
  { label: 'Kenya mobile, national', settings: { default_country_code: 254 }, phone: '0712345678', expected: '+254712345678' },
  { label: 'Nepal mobile without prefix', settings: { default_country_code: 977 }, phone: '9841202020', expected: '+9779841202020' },
  { label: 'Arabic-Indic digits', settings: NZ, phone: '٠٢٧٥٥٥٢٦٣٦', expected: '+64275552636' },
  { label: 'full-width digits', settings: NZ, phone: '０２７５５５２６３６', expected: '+64275552636' },
  { label: 'several leading plus signs count as one', settings: NZ, phone: '++64275552636', expected: '+64275552636' },
  { label: '+ then the region IDD', settings: NZ, phone: '+0064275552636', expected: '+64275552636' },
  { label: '+ then a national number is refused', settings: NZ, phone: '+0275552636', expected: false },
  { label: 'IDD then too few digits', settings: NZ_NONE, phone: '00', expected: false },
  { label: 'Uganda IDD 000 then nothing', settings: { default_country_code: 256, phone_validation: 'none' }, phone: '000', expected: false },
  { label: 'all-zero national number: raw input after the calling code', settings: NZ_NONE, phone: ' 000 ', expected: '+64 000 ' },
  { label: 'all-zero national number written with +', settings: NZ_NONE, phone: '+6400', expected: '+6400' },
  { label: 'unknown default code: only + numbers', settings: { default_country_code: 999 }, phone: '0275552636', expected: false },
  { label: "'+64' is not a calling code key", settings: { default_country_code: '+64' }, phone: '0275552636', expected: false },
  { label: 'non-geographic default code', settings: { default_country_code: 800, phone_validation: 'none' }, phone: '12345678', expected: false },
  { label: 'non-string input', settings: NZ, phone: 275552636, expected: false },
  { label: 'null input', settings: NZ, phone: null, expected: false },
  { label: 'extension is dropped from E.164', settings: NZ, phone: '+64 27 555 2636 #123', expected: '+64275552636' },
  { label: 'null settings', settings: null as unknown as PhoneSettings, phone: '+64275552636', expected: '+64275552636' },
];

// Valid short numbers are formatted NATIONAL, with the region's national format when one fits.
const SHORT_NUMBERS: Case[] = [
  { label: 'NZ short code written with +64', settings: NZ_NONE, phone: '+64 4234', expected: '4234' },
  { label: 'Australian emergency 000', settings: { default_country_code: 61, phone_validation: 'none' }, phone: '000', expected: '000' },
  { label: 'Australian 000 written with +61 (raw input)', settings: NZ_NONE, phone: '+61000', expected: '+61000' },
  { label: 'Australian short number with a national-only format', settings: NZ_PARTIAL, phone: '+61190000', expected: '190 000' },
  { label: 'Kenya 100', settings: { default_country_code: 254, phone_validation: 'none' }, phone: '100', expected: '100' },
  { label: 'US 911', settings: { default_country_code: 1, phone_validation: 'none' }, phone: '911', expected: '911' },
  { label: 'UK 999 under full validation is invalid', settings: { default_country_code: 44 }, phone: '999', expected: false },
  { label: 'UK short code, partial (local-only length)', settings: NZ_PARTIAL, phone: '+441250', expected: '1250' },
  { label: 'Australian 131444 is possible but not a short number', settings: { default_country_code: 61, phone_validation: 'none' }, phone: '131444', expected: '+61131444' },
];

describe('normalizePhoneNumber', () => {
  for (const [group, cases] of [['CHT examples', CHT_EXAMPLES], ['more behaviour', MORE], ['short numbers', SHORT_NUMBERS]] as const) {
    describe(group, () => {
      for (const { label, settings, phone, expected } of cases) {
        it(`${label}: ${JSON.stringify(phone)} → ${JSON.stringify(expected)}`, () => {
          expect(normalizePhoneNumber(settings, phone)).to.equal(expected);
        });
      }
    });
  }
});
