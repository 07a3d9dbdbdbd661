import { parsePhone, ParsedPhone } from './parse';
import { isPossibleLength } from './possible';
import { defaultRegionFor } from './region';
import { PhoneSettings, ValidationMode, validationModeOf } from './settings';
import { formatShortNumberNational, isValidShortNumber } from './short-number';

// Any ASCII letter makes the number invalid: this blocks vanity numbers (1-800-FLOWERS) and the
// libphonenumber quirk that ignores a couple of trailing letters.
const ASCII_LETTER = /[a-z]/i;
const ONLY_ZEROS = /^0+$/;

const passes = (mode: ValidationMode, { number }: ParsedPhone): boolean => {
  switch (mode) {
  case 'partial':
    return isPossibleLength(number.countryCallingCode, number.nationalNumber);
  case 'none':
    return true;
  case 'full':
    return number.isValid();
  }
};

// libphonenumber stores the national number as an integer; when it is 0 its formatter hands back
// the raw input (prefixed with the calling code for E.164 of a national number).
const formatZeros = (phone: string, { number, source }: ParsedPhone, national: boolean): string => {
  return !national && source === 'default-region' ? `+${number.countryCallingCode}${phone}` : phone;
};

/**
 * CHT's phone number normalisation (`phoneNumber.normalize` in CHT core).
 *
 * @returns the number in E.164 (`+64275552636`) when it passes the configured validation, except
 * that valid short numbers of their region (e.g. `4234` in New Zealand) come back in national
 * format; `false` when the input is not a string, holds an ASCII letter, does not parse or fails
 * validation.
 */
export const normalizePhoneNumber = (settings: PhoneSettings, phone: unknown): string | false => {
  if (typeof phone !== 'string' || ASCII_LETTER.test(phone)) {
    return false;
  }
  const mode = validationModeOf(settings?.phone_validation);
  if (!mode) {
    return false;
  }
  const countryCode = settings?.default_country_code;
  const region = defaultRegionFor(countryCode);
  const parsed = parsePhone(phone, region, region ? String(countryCode) : undefined);
  if (!parsed || !passes(mode, parsed)) {
    return false;
  }
  const { countryCallingCode, nationalNumber, ext } = parsed.number;
  const national = isValidShortNumber(countryCallingCode, nationalNumber);
  if (ONLY_ZEROS.test(nationalNumber)) {
    return formatZeros(phone, parsed, national);
  }
  return national ? formatShortNumberNational(countryCallingCode, nationalNumber, ext) : parsed.number.number;
};
