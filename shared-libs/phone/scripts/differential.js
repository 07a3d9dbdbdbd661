#!/usr/bin/env node
/*
 * Differential test of normalizePhoneNumber against google-libphonenumber (the library CHT core uses).
 *
 * google-libphonenumber must NOT become a dependency of the project. Run from a scratch folder:
 *   mkdir -p /tmp/phone-diff && cd /tmp/phone-diff && npm init -y && npm i google-libphonenumber@3.2.47
 *   npx tsc -p <repo>/tsconfig.json   # or the private test/unit/shared-libs/tsconfig.parsers.json
 *   NODE_PATH=/tmp/phone-diff/node_modules node <repo>/shared-libs/phone/scripts/differential.js
 *
 * The oracle below states CHT's documented normalisation (reference §8) with google-libphonenumber:
 * region of default_country_code, parse keeping raw input, validity by phone_validation, no ASCII
 * letters, NATIONAL for valid short numbers, else E.164.
 */
'use strict';
const path = require('path');
const google = require('google-libphonenumber');
const { normalizePhoneNumber } = require(path.join(__dirname, '..', '..', '..', 'dist', 'shared-libs', 'phone', 'src'));

const util = google.PhoneNumberUtil.getInstance();
const shortInfo = google.ShortNumberInfo.getInstance();
const FORMAT = google.PhoneNumberFormat;

const oracle = (settings, phone) => {
  try {
    const region = util.getRegionCodeForCountryCode(settings && settings.default_country_code);
    const parsed = util.parseAndKeepRawInput(phone, region);
    const mode = ((settings && settings.phone_validation) || '').toLowerCase();
    const valid = mode === 'partial' ? util.isPossibleNumber(parsed) : mode === 'none' ? true : util.isValidNumber(parsed);
    if (!valid || /[a-z]/i.test(phone)) {
      return false;
    }
    return util.format(parsed, shortInfo.isValidShortNumber(parsed) ? FORMAT.NATIONAL : FORMAT.E164).toString();
  } catch (e) {
    return false;
  }
};

// Deterministic pseudo-random numbers, so every run builds the same corpus.
let seed = 12345;
const random = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const pick = list => list[Math.floor(random() * list.length)];
const digits = n => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');

const buildCorpus = () => {
  const REGIONS = ['NZ', 'UG', 'KE', 'NP', 'US', 'GB', 'IN', 'IT', 'TZ', 'ZA', 'NG', 'BD', 'FR', 'DE', 'RU', 'AU', 'BR', 'ZM', 'MW', 'ZW', 'GH', 'CA', 'JM', 'KZ', 'SN', 'ML', 'HT', 'PH', 'ID', 'MX'];
  const inputs = new Set();
  for (const region of REGIONS) {
    for (const type of Object.values(google.PhoneNumberType)) {
      const example = util.getExampleNumberForType(region, type);
      if (!example) {
        continue;
      }
      const e164 = util.format(example, FORMAT.E164);
      inputs.add(e164);
      if (type === google.PhoneNumberType.MOBILE || type === google.PhoneNumberType.FIXED_LINE) {
        const nsn = util.getNationalSignificantNumber(example);
        [util.format(example, FORMAT.NATIONAL), util.format(example, FORMAT.INTERNATIONAL), e164.slice(1), `00${e164.slice(1)}`,
          e164.slice(0, -1), e164 + pick(['1', '23', '0']), nsn, `0${nsn}`, `+${example.getCountryCode()}0${nsn}`,
          ` ${util.format(example, FORMAT.NATIONAL).replace(/ /g, '.')} `].forEach(s => inputs.add(s));
      }
    }
    const short = google.shortnumbermetadata.countryToMetadata[region];
    for (const field of [4, 5, 27, 29, 30, 31, 33]) {
      const desc = short && short[field];
      if (desc && desc[6]) {
        inputs.add(desc[6]);
        inputs.add(`+${util.getCountryCodeForRegion(region)}${desc[6]}`);
      }
    }
  }
  for (let i = 0; i < 120; i++) {
    inputs.add(pick(['', '', '+', '0', '00', '+0', ' ']) + digits(1 + Math.floor(random() * 16)));
  }
  const separators = [' ', '-', '.', '(', ')', '/', '  ', '\u00a0', '\u2011', '\u2013', '[', ']', '~'];
  const plain = [...inputs].filter(s => /^\+?\d{7,}$/.test(s));
  for (let i = 0; i < 80; i++) {
    let out = '';
    for (const ch of pick(plain)) {
      out += ch + (random() < 0.3 ? pick(separators) : '');
    }
    inputs.add(out);
  }
  ['', ' ', '+', '++64275552636', '+64 27 555 2636#', '+64 27 555 2636 #123', '0275552636,123', '0275552636;123',
    '0275552636 ~123', '+64275552636/7', '0275552636 / 0275552637', '(027) 555-2636', '027 555 2636 ext 5',
    '０２７５５５２６３６', '٠٢٧٥٥٥٢٦٣٦', '+٦٤٢٧٥٥٥٢٦٣٦', '4234', '111', '018', '911', '112', '999', '100', '0', '00', '000',
    '+640', '+6400', '+800 1234 5678', '+882 3456 7890', '+979 1 2345 6789', '+1 800 FLOWERS', '0275552<636>', '0275552636ff',
    '+64275552636\n', '\t0275552636', '+64-(27)-555-2636', '+64 (0) 27 555 2636', '8 800 555 3535', '+7 800 555 3535',
    '+39 02 1234 5678', '+39 312 345 6789', '+44 7911 123456', '07911 123456', '+256 772 123456', '0772123456',
    '+254712345678', '0712345678', '+9779841202020', '9841202020', '+97712312', '+918750660880', '+255712262987', '*123#',
    '#123', '1234567890123456789', '+1 (555) 010-0000', '+12025550123', '2025550123', '+1 242 357 1234', '+44 1481 123456',
    '+61 8 9162 1234', '+262 269 61 23 45'].forEach(s => inputs.add(s));
  return [...inputs];
};

const compare = (label, cases) => {
  let agree = 0;
  const differences = [];
  for (const [settings, phone] of cases) {
    const expected = oracle(settings, phone);
    const actual = normalizePhoneNumber(settings, phone);
    if (expected === actual) {
      agree++;
    } else {
      differences.push({ settings, phone, google: expected, ours: actual });
    }
  }
  console.log(`${label}: ${cases.length} comparisons, ${agree} agree (${(100 * agree / cases.length).toFixed(3)}%)`);
  const seen = new Set();
  for (const d of differences) {
    const key = `${d.phone}|${d.google === false}|${d.ours === false}`;
    if (!seen.has(key)) {
      seen.add(key);
      console.log('  ', JSON.stringify(d));
    }
  }
};

// 1. A varied corpus under many settings.
const corpus = buildCorpus();
const CODES = [64, 256, 254, 977, 1, 44, 91, 39, 7, 255, '27', 234, 880, 260, 265, 263, 233, 221, 509, 63, 52, undefined, 800, '+64'];
const MODES = [undefined, 'partial', 'none', 'NONE', 'Partial', 'whatever'];
const corpusCases = [];
for (const code of CODES) {
  for (const mode of MODES) {
    for (const phone of corpus) {
      corpusCases.push([{ default_country_code: code, phone_validation: mode }, phone]);
    }
  }
}
console.log(`corpus: ${corpus.length} inputs x ${CODES.length} country codes x ${MODES.length} validation settings`);
compare('corpus', corpusCases);

// 2. Every short-number example of every region (NATIONAL formatting, short-number validity).
const shortCases = [];
for (const [region, metadata] of Object.entries(google.shortnumbermetadata.countryToMetadata)) {
  const code = util.getCountryCodeForRegion(region);
  const examples = new Set();
  for (const field of [1, 4, 5, 27, 28, 29, 30, 31, 33]) {
    if (metadata[field] && metadata[field][6]) {
      examples.add(metadata[field][6]);
    }
  }
  for (const example of [...examples]) {
    examples.add(`${example}0`);
    examples.add(example.slice(0, -1));
  }
  for (const example of examples) {
    for (const phone of [example, `+${code}${example}`, `+${code} ${example}`]) {
      for (const mode of ['none', 'partial', undefined]) {
        shortCases.push([{ default_country_code: code, phone_validation: mode }, phone]);
      }
    }
  }
}
compare('short numbers of all regions', shortCases);

// 3. Every region: example numbers of every type plus random national numbers.
const regionCases = [];
for (const region of util.getSupportedRegions()) {
  const code = util.getCountryCodeForRegion(region);
  const phones = [];
  for (const type of Object.values(google.PhoneNumberType)) {
    const example = util.getExampleNumberForType(region, type);
    if (example) {
      phones.push(util.format(example, FORMAT.INTERNATIONAL), util.format(example, FORMAT.NATIONAL), util.format(example, FORMAT.E164));
    }
  }
  for (let i = 0; i < 20; i++) {
    phones.push(`0${digits(6 + Math.floor(random() * 6))}`);
  }
  for (const phone of phones) {
    for (const mode of [undefined, 'partial']) {
      regionCases.push([{ default_country_code: code, phone_validation: mode }, phone]);
    }
  }
}
compare('all regions', regionCases);
