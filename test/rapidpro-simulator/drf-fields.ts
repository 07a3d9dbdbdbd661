/**
 * The few Django REST Framework field behaviours the broadcast serializer relies on, with DRF's messages.
 * Each function takes a JSON value and returns the cleaned value or DRF's error detail.
 */
import { pyStr, pyTypeName } from './urns';

/** DRF error detail: a list of messages, or messages keyed by field, list index or dict key. */
export type ErrorDetail = string[] | { [key: string]: ErrorDetail };

export type FieldResult<T> = { ok: true; value: T } | { ok: false; error: ErrorDetail };

export const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
export const fail = <T>(error: ErrorDetail): FieldResult<T> => ({ ok: false, error });

export const NOT_NULL = 'This field may not be null.';
export const maxElements = (n: number): string => `Ensure this field has no more than ${n} elements.`;
export const maxChars = (n: number): string => `Ensure this field has no more than ${n} characters.`;
export const notAList = (v: unknown): string => `Expected a list of items but got type "${pyTypeName(v)}".`;
export const notADict = (v: unknown): string => `Expected a dictionary of items but got type "${pyTypeName(v)}".`;

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's `len()` of a str counts code points, not UTF-16 units. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's `hasattr(x, "__len__")` length of a JSON value, or null. */
function pyLength(value: unknown): number | null {
  if (typeof value === 'string') return pyLen(value);
  if (Array.isArray(value)) return value.length;
  if (isObject(value)) return Object.keys(value).length;
  return null;
}

/** Runs the checks of DRF's CharField (blank, type, trimming, max length, NUL characters). */
/** The null and blank checks every DRF CharField runs first; null when the value passes them. */
export function nullOrBlank(value: unknown): FieldResult<never> | null {
  if (value === null) return fail([NOT_NULL]);
  if (value === '' || pyStr(value).trim() === '') return fail(['This field may not be blank.']);
  return null;
}

export function charField(value: unknown, maxLength: number | null): FieldResult<string> {
  const empty = nullOrBlank(value);
  if (empty) return empty;
  if (typeof value !== 'string' && typeof value !== 'number') return fail(['Not a valid string.']);
  const text = pyStr(value).trim();
  const errors: string[] = [];
  if (maxLength !== null && pyLen(text) > maxLength) errors.push(maxChars(maxLength));
  if (text.includes('\u0000')) errors.push('Null characters are not allowed.');
  return errors.length > 0 ? fail(errors) : ok(text);
}

/** ISO 639-3 codes are three lower-case letters; the exact code list is not simulated. */
export function isLanguageCode(code: string): boolean {
  return /^[a-z]{3}$/.test(code);
}

/** RapidPro's LanguageField: CharField(max_length=3) whose validators all run, then the ISO 639-3 check. */
export function languageField(value: unknown): FieldResult<string> {
  const chars = charField(value, null);
  if (!chars.ok) return chars;
  const errors: string[] = [];
  if (pyLen(chars.value) > 3) errors.push(maxChars(3));
  if (!isLanguageCode(chars.value)) errors.push('Not an allowed ISO 639-3 language code.');
  return errors.length > 0 ? fail(errors) : chars;
}

/**
 * A DRF ListField: not-a-list check, per-item errors keyed by index, then the max-length validator.
 */
export function listField<T>(
  value: unknown,
  maxLength: number,
  child: (item: unknown) => FieldResult<T>,
): FieldResult<T[]> {
  if (value === null) return fail([NOT_NULL]);
  if (!Array.isArray(value)) return fail([notAList(value)]);
  const out: T[] = [];
  const errors: { [key: string]: ErrorDetail } = {};
  value.forEach((item, i) => {
    const r = child(item);
    if (r.ok) out.push(r.value);
    else errors[String(i)] = r.error;
  });
  if (Object.keys(errors).length > 0) return fail(errors);
  return value.length > maxLength ? fail([maxElements(maxLength)]) : ok(out);
}

/**
 * A RapidPro many-related field (contacts, groups, media): size first (anything with a length), then
 * not-a-list, then the first item that fails stops validation with a flat message list.
 */
export function manyRelatedField<T>(
  value: unknown,
  maxLength: number,
  lookup: (item: string) => T | null,
): FieldResult<T[]> {
  const length = pyLength(value);
  if (length !== null && length > maxLength) return fail([maxElements(maxLength)]);
  if (value === null) return fail([NOT_NULL]);
  if (typeof value === 'string' || (!Array.isArray(value) && !isObject(value))) return fail([notAList(value)]);
  const items = Array.isArray(value) ? value : Object.keys(value); // iterating a dict yields its keys
  const out: T[] = [];
  for (const item of items) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      return fail(['Must be a string or integer']);
    }
    if (typeof item === 'number' && !Number.isInteger(item)) return fail(['Must be a string or integer']);
    const found = lookup(pyStr(item));
    if (found === null) return fail([`No such object: ${pyStr(item)}`]);
    out.push(found);
  }
  return ok(out);
}

/**
 * RapidPro's language dict fields (text, attachments, quick replies): `wrap` turns the bare form into
 * `{primary: value}`; then DRF DictField rules, per-key child errors, the 50-language limit and the
 * key check (which, being a dict error, wins over the limit).
 */
export function languageDictField<T>(
  value: unknown,
  primaryLanguage: string,
  isBareForm: (v: unknown) => boolean,
  child: (v: unknown) => FieldResult<T>,
): FieldResult<Record<string, T>> {
  if (value === null) return fail([NOT_NULL]);
  const data = isBareForm(value) ? { [primaryLanguage]: value } : value;
  if (!isObject(data)) return fail([notADict(data)]);
  const keys = Object.keys(data);
  if (keys.length === 0) return fail(['This dictionary may not be empty.']);
  const out: Record<string, T> = {};
  const errors: { [key: string]: ErrorDetail } = {};
  for (const key of keys) {
    const r = child(data[key]);
    if (r.ok) out[key] = r.value;
    else errors[key] = r.error;
  }
  if (Object.keys(errors).length > 0) return fail(errors);
  const keyErrors: { [key: string]: ErrorDetail } = {};
  for (const key of keys) if (!isLanguageCode(key)) keyErrors[key] = ['Not an allowed ISO 639-3 language code.'];
  if (Object.keys(keyErrors).length > 0) return fail(keyErrors);
  return keys.length > 50 ? fail([maxElements(50)]) : ok(out);
}
