import { CALLING_CODE_EXTRA } from './libphonenumber-extra-metadata';

/**
 * libphonenumber's `isPossibleNumber`: the national significant number has one of the lengths of
 * its calling code's main region, counting lengths that are only dialable locally (libphonenumber-js
 * ignores those, so `phone_validation: partial` would reject e.g. 5-digit Ugandan local numbers).
 */
export const isPossibleLength = (callingCode: string, nationalSignificantNumber: string): boolean => {
  if (!Object.prototype.hasOwnProperty.call(CALLING_CODE_EXTRA, callingCode)) {
    return false;
  }
  const [lengths, localOnly] = CALLING_CODE_EXTRA[callingCode];
  if (lengths.length === 0 || lengths[0] === -1) {
    return false;
  }
  const length = nationalSignificantNumber.length;
  return localOnly.includes(length) || lengths.includes(length);
};
