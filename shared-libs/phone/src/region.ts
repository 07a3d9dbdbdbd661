import { CountryCode, isSupportedCountry } from 'libphonenumber-js/max';
import { REGIONS_BY_CALLING_CODE } from './libphonenumber-extra-metadata';

/** Pseudo-region of non-geographic calling codes (e.g. +800); it cannot be a default region. */
const NON_GEOGRAPHIC_REGION = '001';

/** Regions sharing a calling code, main region first, as libphonenumber orders them. */
export const regionsForCallingCode = (callingCode: string): readonly string[] => {
  return Object.prototype.hasOwnProperty.call(REGIONS_BY_CALLING_CODE, callingCode) ? REGIONS_BY_CALLING_CODE[callingCode] : [];
};

/**
 * The default region for national numbers: the main region of `default_country_code`, looked up
 * by its string form as an exact key, as libphonenumber does (`64` and `'64'` work, `'+64'` and
 * `'064'` do not). Unknown, absent or non-geographic codes give no region: only `+` numbers parse.
 */
export const defaultRegionFor = (defaultCountryCode: unknown): CountryCode | undefined => {
  if (defaultCountryCode === undefined || defaultCountryCode === null) {
    return undefined;
  }
  const main = regionsForCallingCode(String(defaultCountryCode))[0];
  if (!main || main === NON_GEOGRAPHIC_REGION || !isSupportedCountry(main)) {
    return undefined;
  }
  return main;
};
