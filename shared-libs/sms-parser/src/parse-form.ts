import { convertField } from './fields';
import { muvukuKind, parseJavarosa, parsePositional } from './muvuku';
import { isCompact, parseCompact, parseKeyValues, stripFormCode } from './textforms';
import { DEFAULT_LOCALE, translate } from './translate';
import type { FormDefinition, SmsParserSettings, StoredValue } from './types';
import type { ParsedMessage, RawData } from './values';

/** Parsed form data: nested objects for dotted keys; `undefined` marks a field without value. */
export type FormValue = StoredValue | undefined | FormData;
export interface FormData {
  [key: string]: FormValue;
}

export interface ParsedForm {
  data: FormData;
  extraFields: boolean;
}

const EMPTY: ParsedMessage = { data: new Map(), extraFields: false, allFields: false };

// Key-value textforms: values sent under a field's tiny label move to the field's key.
const applyTinyLabels = (definition: FormDefinition, data: RawData, locale: string): RawData => {
  for (const [key, field] of Object.entries(definition.fields ?? {})) {
    const label = translate(field.labels?.tiny, locale)?.toLowerCase();
    const value = label === undefined ? undefined : data.get(label);
    if (label !== undefined && key !== label && value) {
      data.set(key, value);
      data.set(label, undefined);
    }
  }
  return data;
};

const readMessage = (definition: FormDefinition, text: string, locale: string): ParsedMessage => {
  switch (muvukuKind(text)) {
  case 'positional':
    return parsePositional(definition, text);
  case 'javarosa':
    return parseJavarosa(definition, text, locale);
  case 'unsupported':
    return EMPTY;
  case undefined: {
    const body = stripFormCode(definition.meta?.code, text);
    if (isCompact(definition, body, locale)) {
      return { data: parseCompact(definition, body), extraFields: false, allFields: false };
    }
    return { data: applyTinyLabels(definition, parseKeyValues(body), locale), extraFields: false, allFields: false };
  }
  }
};

// `a.b.c` → data.a.b.c, creating the intermediate objects.
const setDeep = (data: FormData, path: readonly string[], value: FormValue): void => {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    data[head] = value;
    return;
  }
  const existing = data[head];
  if (!existing) {
    data[head] = {};
  }
  const next = data[head];
  if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
    setDeep(next as FormData, rest, value);
  }
};

/**
 * CHT's `smsparser.parse`: reads the message in its format (muvuku, compact or key-value
 * textforms), then converts each field's value by type. In textforms only fields with a truthy
 * raw value are kept (so `0` is dropped, as in CHT); muvuku keeps every field.
 */
export const parseForm = (definition: FormDefinition, text: string, settings: SmsParserSettings): ParsedForm => {
  const data: FormData = {};
  if (!text || !definition.fields) {
    return { data, extraFields: false };
  }
  const locale = settings.locale || DEFAULT_LOCALE;
  const message = readMessage(definition, text, locale);
  for (const [key, field] of Object.entries(definition.fields)) {
    const raw = message.data.get(key);
    if (raw || message.allFields) {
      setDeep(data, key.split('.'), convertField(field, raw, key, settings));
    }
  }
  return { data, extraFields: message.extraFields };
};
