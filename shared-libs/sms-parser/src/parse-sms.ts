import { detectForm } from './form-code';
import { smsError } from './messages';
import { FormData, FormValue, parseForm } from './parse-form';
import type { FormDefinition, SmsError, SmsParserSettings, SmsRecordParts, StoredValue } from './types';
import { validateForm } from './validate';

// What JSON keeps of a parsed value: fields without value disappear, empty objects stay. The
// parsed data holds exactly the definition's fields, so this is also what CHT copies onto the
// record (field by field, nested objects only where the data has them).
const stored = (value: FormValue): StoredValue | undefined => {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  const out: Record<string, StoredValue> = {};
  for (const [key, inner] of Object.entries(value)) {
    const kept = stored(inner);
    if (kept !== undefined) {
      out[key] = kept;
    }
  }
  return out;
};

const refidOf = (definition: FormDefinition, data: FormData): StoredValue | undefined => {
  const reference = definition.facility_reference;
  if (!reference) {
    return undefined;
  }
  const value = stored(Object.prototype.hasOwnProperty.call(data, reference) ? data[reference] : undefined);
  return typeof value === 'string' ? value.toUpperCase() : value;
};

/**
 * What CHT's `createByForm` puts on a `data_record` for an incoming SMS text: the form code,
 * the parsed fields and the errors, in CHT's order (validation, `extra_fields`, `sys.empty`,
 * `sys.form_not_found`). A message without a form definition is free text (`form` absent) unless
 * `forms_only_mode` is on.
 */
export const parseSms = (settings: SmsParserSettings, text: string): SmsRecordParts => {
  const { code, definition, text: parsable } = detectForm(settings, text);
  const errors: SmsError[] = [];
  const parts: SmsRecordParts = { fields: {}, errors };
  if (code !== undefined) {
    parts.smsForm = code;
  }
  if (definition) {
    const { data, extraFields } = code ? parseForm(definition, parsable, settings) : { data: {}, extraFields: false };
    parts.form = code;
    parts.fields = (stored(data) ?? {}) as Record<string, StoredValue>;
    const refid = refidOf(definition, data);
    if (refid !== undefined) {
      parts.refid = refid;
    }
    errors.push(...validateForm(definition, data));
    if (extraFields) {
      errors.push(smsError('extra_fields'));
    }
  }
  if (typeof text === 'string' && !text.trim()) {
    errors.push(smsError('sys.empty'));
  }
  if (!definition && settings.forms_only_mode) {
    parts.form = code;
    errors.push(smsError('sys.form_not_found', { form: code }));
  }
  if (parts.form === undefined) {
    delete parts.form;
  }
  return parts;
};
