import { expect } from 'chai';
import { translate } from '../../../../shared-libs/sms-parser/src/translate';
import { smsError } from '../../../../shared-libs/sms-parser/src/messages';
import type { Translatable } from '../../../../shared-libs/sms-parser/src';

describe('translate', () => {
  const cases: Array<[value: Translatable | null | undefined, locale: string | undefined, expected: string | undefined]> = [
    ['Name', 'fr', 'Name'],
    [{ en: 'Name', fr: 'Nom' }, 'fr', 'Nom'],
    [{ en: 'Name', fr: 'Nom' }, undefined, 'Name'],
    [{ en: 'Name', fr: 'Nom' }, 'sw', 'Name'],
    [{ default: 'Default', en: 'Name' }, 'sw', 'Default'],
    [{ fr: 'Nom', sw: 'Jina' }, 'ne', 'Nom'],
    [{ translation_key: 'form.f.name' }, 'en', 'form.f.name'],
    [{ translations: [{ locale: 'fr', content: 'Nom' }, { locale: 'en', content: 'Name' }] }, 'en', 'Name'],
    [{ translations: [{ locale: 'fr', content: 'Nom' }] }, 'sw', 'Nom'],
    [{}, 'en', undefined],
    [null, 'en', undefined],
    [undefined, 'en', undefined],
  ];
  for (const [value, locale, expected] of cases) {
    it(`${JSON.stringify(value)} in ${locale} → ${expected}`, () => {
      expect(translate(value, locale)).to.equal(expected);
    });
  }
});

describe('smsError', () => {
  const cases: Array<[error: ReturnType<typeof smsError>, message: string]> = [
    [smsError('sys.empty'), 'Message appears empty.'],
    [smsError('extra_fields'), 'Extra fields.'],
    [smsError('sys.form_not_found', { form: 'XYZ' }), "Form 'XYZ' not found."],
    [smsError('sys.form_not_found', { form: undefined }), "Form '' not found."],
    [smsError('sys.missing_fields', { fields: ['year', 'month'] }), 'Missing or invalid fields: year,month.'],
    [smsError('sys.incorrect_type', { key: 'age', expectedType: 'integer' }), 'Incorrect type of field age, expected integer.'],
  ];
  for (const [error, message] of cases) {
    it(`${error.code}: ${message}`, () => {
      expect(error.message).to.equal(message);
    });
  }
});
