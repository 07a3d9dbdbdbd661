/**
 * Phone number normalisation compatible with CHT core (`@medic/phone-number`), built on
 * libphonenumber-js with its `max` metadata plus a generated table of short-number metadata.
 */
export { normalizePhoneNumber } from './normalize';
export type { PhoneSettings, ValidationMode } from './settings';
