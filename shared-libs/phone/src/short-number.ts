import { CALLING_CODE_EXTRA, NumberDesc, SHORT_NUMBER_REGIONS } from './libphonenumber-extra-metadata';
import { matchesEntirely, regexFor } from './patterns';
import { regionsForCallingCode } from './region';

// A description without possible lengths imposes none; otherwise the length must be listed.
const matchesDesc = ([pattern, lengths]: NumberDesc, digits: string): boolean => {
  if (lengths.length > 0 && !lengths.includes(digits.length)) {
    return false;
  }
  return matchesEntirely(pattern, digits);
};

const isValidForRegion = (region: string, digits: string): boolean => {
  const entry = SHORT_NUMBER_REGIONS[region];
  return entry !== undefined && matchesDesc(entry[0], digits) && matchesDesc(entry[1], digits);
};

/**
 * libphonenumber's `ShortNumberInfo.isValidShortNumber` on a generated table of its metadata.
 *
 * @param callingCode the number's country calling code, e.g. `'64'`
 * @param nationalSignificantNumber national digits including leading zeros, e.g. `'4234'`
 *
 * With a single region both its general and short-code descriptions must match. When regions
 * share the calling code, the number is valid as soon as one region's short-code description
 * matches (libphonenumber skips the general description then).
 */
export const isValidShortNumber = (callingCode: string, nationalSignificantNumber: string): boolean => {
  const regions = regionsForCallingCode(callingCode);
  if (regions.length === 1) {
    return isValidForRegion(regions[0], nationalSignificantNumber);
  }
  return regions.some(region => {
    const entry = SHORT_NUMBER_REGIONS[region];
    return entry !== undefined && matchesDesc(entry[1], nationalSignificantNumber);
  });
};

const FIRST_GROUP = /(\$\d)/;
const DEFAULT_EXTENSION_PREFIX = ' ext. ';

/**
 * libphonenumber's NATIONAL format for a short number: the first national format of the calling
 * code's main region whose leading digits and pattern fit, with its national prefix rule applied,
 * or the bare digits when none fits; an extension is appended with the region's prefix.
 */
export const formatShortNumberNational = (callingCode: string, nationalSignificantNumber: string, extension?: string): string => {
  const extra = CALLING_CODE_EXTRA[callingCode];
  let formatted = nationalSignificantNumber;
  const format = extra?.[3].find(([pattern, , leadingDigits]) => {
    return (!leadingDigits || nationalSignificantNumber.search(regexFor(leadingDigits, false)) === 0) &&
      matchesEntirely(pattern, nationalSignificantNumber);
  });
  if (format) {
    const [pattern, rule, , nationalPrefixRule] = format;
    const withPrefix = nationalPrefixRule ? rule.replace(FIRST_GROUP, nationalPrefixRule) : rule;
    formatted = nationalSignificantNumber.replace(regexFor(pattern, false), withPrefix);
  }
  if (extension) {
    formatted += (extra?.[4] ?? DEFAULT_EXTENSION_PREFIX) + extension;
  }
  return formatted;
};
