/**
 * How CHT's `app_settings` steer phone number normalisation.
 */
export interface PhoneSettings {
  /** Calling code (e.g. `64` or `'64'`) used for numbers written without `+`. Absent or unknown: only `+` numbers parse. */
  default_country_code?: number | string;
  /** `'partial'` = length check only, `'none'` = no check, anything else (default) = full validation. Case-insensitive. */
  phone_validation?: string;
}

/** The three validation levels CHT knows, as decided from `phone_validation`. */
export type ValidationMode = 'full' | 'partial' | 'none';

/**
 * `phone_validation` is compared case-insensitively and any other value means full validation.
 * Returns `undefined` for a truthy non-string value: CHT lower-cases it, which throws, so the
 * number is rejected; the caller treats that as invalid.
 */
export const validationModeOf = (phoneValidation: unknown): ValidationMode | undefined => {
  if (!phoneValidation) {
    return 'full';
  }
  if (typeof phoneValidation !== 'string') {
    return undefined;
  }
  const lowered = phoneValidation.toLowerCase();
  if (lowered === 'partial' || lowered === 'none') {
    return lowered;
  }
  return 'full';
};
