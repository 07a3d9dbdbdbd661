import { smsError } from './messages';
import type { FormData } from './parse-form';
import type { FieldType, FormDefinition, SmsError } from './types';

const exists = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;

const TYPE_CHECKS: Readonly<Partial<Record<FieldType, (value: unknown) => boolean>>> = {
  integer: value => typeof value === 'number' && Number.isInteger(value),
  string: value => typeof value === 'string',
  boolean: value => typeof value === 'boolean',
  complex: value => typeof value === 'object',
};

/**
 * CHT's report validation: `sys.incorrect_type` for a value of the wrong type (fields with a
 * `list` are exempt), then one `sys.missing_fields` listing required fields without value. As in
 * CHT, values are looked up by the whole key, so a required dotted field (`a.b`) is always missing.
 */
export const validateForm = (definition: FormDefinition, data: FormData): SmsError[] => {
  const errors: SmsError[] = [];
  const missing: string[] = [];
  for (const [key, field] of Object.entries(definition.fields ?? {})) {
    const value = Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
    if (field.required && !exists(value)) {
      missing.push(key);
    } else if (exists(value) && !field.list) {
      const check = field.type ? TYPE_CHECKS[field.type] : undefined;
      if (check && !check(value)) {
        errors.push(smsError('sys.incorrect_type', { expectedType: field.type, key }));
      }
    }
  }
  if (missing.length > 0) {
    errors.push(smsError('sys.missing_fields', { fields: missing }));
  }
  return errors;
};
