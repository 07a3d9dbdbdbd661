import { CountryCode, ParseError, PhoneNumber, parseDigits, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { CALLING_CODE_EXTRA } from './libphonenumber-extra-metadata';
import { regexFor } from './patterns';

/** Where the calling code of a parsed number came from, as libphonenumber records it. */
export type CallingCodeSource = 'plus' | 'idd' | 'without-plus' | 'default-region';

export interface ParsedPhone {
  number: PhoneNumber;
  source: CallingCodeSource;
}

// Where libphonenumber starts reading a number: the first plus sign or decimal digit.
const NUMBER_START = /[+\uFF0B\p{Nd}]/u;
const LEADING_PLUSES = /^[+\uFF0B]+/;
// libphonenumber needs at least this many digits after an international prefix.
const MIN_DIGITS_AFTER_IDD = 3;

// libphonenumber-js keeps the source on an undocumented property; without it a number counts as
// national, the common case.
const SOURCES: Readonly<Record<string, CallingCodeSource>> = {
  FROM_NUMBER_WITH_PLUS_SIGN: 'plus',
  FROM_NUMBER_WITH_IDD: 'idd',
  FROM_NUMBER_WITHOUT_PLUS_SIGN: 'without-plus',
};
const sourceOf = (number: PhoneNumber): CallingCodeSource => {
  const raw: unknown = (number as PhoneNumber & { __countryCallingCodeSource?: unknown }).__countryCallingCodeSource;
  return (typeof raw === 'string' && SOURCES[raw]) || 'default-region';
};

type Attempt = ParsedPhone | 'invalid-country' | 'unparseable';

/**
 * libphonenumber refuses a number with fewer than three digits after the default region's
 * international (IDD) prefix ("too short after IDD", e.g. `00` or `001` in New Zealand), where
 * libphonenumber-js reads a national number. An IDD followed by `0` is not taken as an IDD.
 */
const tooShortAfterIdd = (text: string, callingCode: string | undefined): boolean => {
  const idd = callingCode ? CALLING_CODE_EXTRA[callingCode]?.[2] : undefined;
  if (!idd || LEADING_PLUSES.test(text)) {
    return false;
  }
  const digits = parseDigits(text);
  const match = regexFor(idd, false).exec(digits);
  if (!match || match.index !== 0) {
    return false;
  }
  const rest = digits.slice(match[0].length);
  return !rest.startsWith('0') && rest.length < MIN_DIGITS_AFTER_IDD;
};

const attempt = (text: string, region: CountryCode | undefined, callingCode: string | undefined): Attempt => {
  if (tooShortAfterIdd(text, callingCode)) {
    return 'unparseable';
  }
  try {
    const number = parsePhoneNumberWithError(text, { defaultCountry: region });
    return { number, source: sourceOf(number) };
  } catch (error) {
    return error instanceof ParseError && error.message === 'INVALID_COUNTRY' ? 'invalid-country' : 'unparseable';
  }
};

/**
 * Parses like libphonenumber's `parseAndKeepRawInput`, on libphonenumber-js, smoothing the
 * differences that change CHT's result:
 * - a run of leading plus signs counts as one (`++64…`);
 * - after `+` and an unknown calling code, the digits are read again without the plus, and kept
 *   only if that finds a calling code (through the region's IDD, e.g. `+0064…` in New Zealand);
 * - "too short after IDD" above.
 *
 * @param region default region for national numbers
 * @param callingCode that region's calling code
 */
export const parsePhone = (input: string, region?: CountryCode, callingCode?: string): ParsedPhone | undefined => {
  const start = input.search(NUMBER_START);
  if (start < 0) {
    return undefined;
  }
  const text = input.slice(start).replace(LEADING_PLUSES, '+');
  let parsed = attempt(text, region, callingCode);
  if (parsed === 'invalid-country' && region && text.startsWith('+')) {
    parsed = attempt(text.slice(1), region, callingCode);
    if (typeof parsed !== 'string' && parsed.source === 'default-region') {
      return undefined;
    }
  }
  return typeof parsed === 'string' ? undefined : parsed;
};
