import type { SmsError, SmsErrorCode } from './types';

/** English texts of CHT's translation file for the codes this parser produces. */
const ENGLISH: Readonly<Record<SmsErrorCode, string>> = {
  'sys.empty': 'Message appears empty.',
  'sys.form_not_found': "Form '{{form}}' not found.",
  'sys.missing_fields': 'Missing or invalid fields: {{fields}}.',
  'sys.incorrect_type': 'Incorrect type of field {{key}}, expected {{expectedType}}.',
  extra_fields: 'Extra fields.',
};

export type MessageContext = Readonly<Record<string, string | undefined | readonly string[]>>;

// CHT fills `{{name}}` placeholders with template interpolation: a missing value becomes '' and
// a list is joined with commas.
const fill = (template: string, context: MessageContext): string => {
  return template.replace(/\{\{(.+?)\}\}/g, (_match, name: string) => {
    const value = context[name.trim()];
    return value === undefined ? '' : String(value);
  });
};

export const smsError = (code: SmsErrorCode, context: MessageContext = {}): SmsError => {
  return { code, message: fill(ENGLISH[code], context) };
};
