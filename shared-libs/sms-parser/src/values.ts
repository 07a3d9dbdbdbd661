/**
 * A raw value as the message parsers produce it, before field-type conversion. `PairValue` is the
 * textforms record of a key repeated with a number and a text (kept as CHT keeps it).
 */
export interface PairValue {
  readonly type: 'pair';
  readonly values: readonly [string, string];
}
export type RawValue = string | number | undefined | PairValue | RawValue[];

/** Raw values per key. A Map, so that keys written in a message cannot reach object prototypes. */
export type RawData = Map<string, RawValue>;

export interface ParsedMessage {
  data: RawData;
  /** Muvuku messages with more values than the form has fields. */
  extraFields: boolean;
  /** Muvuku messages: every form field gets a value, even an absent one. */
  allFields: boolean;
}

// Devanagari digits are accepted wherever CHT converts numbers.
const DEVANAGARI_ZERO = 0x0966;
export const standardiseDigits = (text: string): string => {
  return text.replace(/[\u0966-\u096F]/g, d => String(d.charCodeAt(0) - DEVANAGARI_ZERO));
};

/** JavaScript's string form of a raw value (`String()` of arrays joins with commas). */
export const rawToString = (value: RawValue): string => {
  if (Array.isArray(value)) {
    return value.map(v => (v === undefined ? '' : rawToString(v))).join(',');
  }
  if (typeof value === 'object') {
    return '[object Object]';
  }
  return String(value);
};
