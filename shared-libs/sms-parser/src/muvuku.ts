import { labelPattern } from './label-pattern';
import { translate } from './translate';
import type { FormDefinition } from './types';
import type { ParsedMessage, RawData } from './values';

/** `1!CODE!values…` (positional) or `J1!CODE!label#value#…`; at least one character after each `!`. */
const MUVUKU = /^\s*([A-Za-z]?\d)!.+!.+/;

export type MuvukuKind = 'positional' | 'javarosa' | 'unsupported';

/** The kind of a muvuku message, or `undefined` when the text is not in muvuku format. */
export const muvukuKind = (text: string): MuvukuKind | undefined => {
  const match = MUVUKU.exec(text);
  if (!match) {
    return undefined;
  }
  switch (match[1].toUpperCase()) {
  case '1':
    return 'positional';
  case 'J1':
    return 'javarosa';
  default:
    return 'unsupported';
  }
};

/**
 * `1!CODE!v1#v2#…`: values in the order of the form's fields, trimmed. Every field gets an entry
 * (absent values included); values beyond the last field only flag `extraFields`.
 */
export const parsePositional = (definition: FormDefinition, text: string): ParsedMessage => {
  const [header, ...rest] = text.split('#');
  const headerParts = header.split('!');
  const first = headerParts.length > 2 ? headerParts.slice(2).join('!') : undefined;
  const values: Array<string | undefined> = [first, ...rest];
  const keys = Object.keys(definition.fields ?? {});
  const data: RawData = new Map();
  keys.forEach((key, i) => data.set(key, values[i]?.trim()));
  return { data, extraFields: values.length > keys.length, allFields: true };
};

// `#` separates labels and values unless escaped as `\#`; a vertical tab stands in while splitting.
const UNESCAPED_HASH = /([^\\])#/g;

/**
 * `J1!CODE!label#value#label#value…`: values bound to fields by tiny label (case-insensitive,
 * the label read as a pattern as CHT does). Fields without a tiny label are ignored. Like every
 * muvuku message, every form field gets an entry, absent values included.
 */
export const parseJavarosa = (definition: FormDefinition, text: string, locale: string): ParsedMessage => {
  const body = text.split('!').slice(2).join('!');
  const parts = body.replace(UNESCAPED_HASH, '$1\u000B').split('\u000B');
  const labels = parts.filter((_part, i) => i % 2 === 0).map(part => part.trim());
  const values = parts.filter((_part, i) => i % 2 === 1);
  const data: RawData = new Map();
  for (const [key, field] of Object.entries(definition.fields ?? {})) {
    const label = translate(field.labels?.tiny, locale);
    if (!label) {
      continue;
    }
    const pattern = labelPattern('^', label, '$');
    for (let i = 0; i < labels.length && i < values.length; i++) {
      if (pattern.test(labels[i])) {
        data.set(key, values[i].replace(/\\#/g, '#'));
      }
    }
  }
  return { data, extraFields: false, allFields: true };
};
