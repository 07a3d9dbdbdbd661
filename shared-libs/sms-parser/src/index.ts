/**
 * Incoming SMS → the parts of a CHT `data_record` that CHT core derives from the text
 * (`createByForm` and its SMS parser): form code, fields and errors.
 */
export { getFormCode } from './form-code';
export { parseSms } from './parse-sms';
export type {
  FieldType,
  FormDefinition,
  FormField,
  SmsError,
  SmsErrorCode,
  SmsParserSettings,
  SmsRecordParts,
  StoredValue,
  Translatable,
} from './types';
