import type { PhoneSettings } from '../../phone/src';

/**
 * A label or list value as CHT settings write it: a plain string (or translation key), a map of
 * locale to text (`{ en: 'Name', sw: 'Jina' }`, optionally with `default`), or the newer
 * `{ translations: [{ locale, content }] }` shape.
 */
export type Translatable =
  | string
  | Readonly<Record<string, string>>
  | { readonly translations: ReadonlyArray<{ readonly locale: string; readonly content: string }> };

/**
 * Field types CHT knows for JSON (SMS) forms. `string`, `integer`, `boolean`, `date`, `month` and
 * `phone_number` are converted; the others are stored as received (see the package README notes).
 */
export type FieldType =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'date'
  | 'month'
  | 'phone_number'
  | 'bsDate'
  | 'bsYear'
  | 'bsMonth'
  | 'bsDay'
  | 'bsAggreDate'
  | 'complex'
  | 'custom';

/** One entry of `app_settings.forms[CODE].fields`. */
export interface FormField {
  type?: FieldType;
  labels?: {
    /** Key that binds a value to this field in `#`-separated textforms and J1 messages. */
    tiny?: Translatable | null;
    short?: Translatable | null;
    long?: Translatable | null;
    description?: Translatable | null;
  };
  /** A report without this field gets a `sys.missing_fields` error. */
  required?: boolean;
  /** Code → label pairs: the label is stored instead of the code (e.g. `[[11, { en: 'November' }]]`). */
  list?: ReadonlyArray<readonly [number | string, Translatable]>;
  /** Zero-based order; informative, CHT orders by the keys of `fields`. */
  position?: number;
  length?: readonly [number, number];
  flags?: Readonly<Record<string, unknown>>;
}

/** `app_settings.forms[CODE]`: the parts the SMS parser reads. */
export interface FormDefinition {
  meta?: {
    /** Form code; stripped from the start of textforms messages. */
    code?: string;
    label?: Translatable;
    icon?: string;
    translation_key?: string;
    subject_key?: string;
  };
  /** Field key → definition; key order is the positional order of compact and muvuku messages. */
  fields?: Readonly<Record<string, FormField>>;
  /** Field whose upper-cased value becomes the record's `refid`. */
  facility_reference?: string;
  public_form?: boolean;
}

/** The `app_settings` the parser reads; phone settings apply to `phone_number` fields. */
export interface SmsParserSettings extends PhoneSettings {
  forms?: Readonly<Record<string, FormDefinition>>;
  /** When on, a message without a form definition gets a `sys.form_not_found` error. */
  forms_only_mode?: boolean;
  /** Locale for labels and list values. @defaultValue `'en'` */
  locale?: string;
}

/** Error codes the parser can put on a record. */
export type SmsErrorCode = 'sys.empty' | 'sys.form_not_found' | 'sys.missing_fields' | 'sys.incorrect_type' | 'extra_fields';

export interface SmsError {
  code: SmsErrorCode;
  /** English text from CHT's translations, placeholders filled. */
  message: string;
}

/** A value as stored in a record's `fields` (what JSON keeps). */
export type StoredValue = string | number | boolean | null | StoredValue[] | { [key: string]: StoredValue };

/** What CHT's `createByForm` puts on a `data_record` for a message. */
export interface SmsRecordParts {
  /** Record `form`: the code when a form definition exists (or `forms_only_mode` is on). */
  form?: string;
  /** `sms_message.form`: the detected code, even without a definition. */
  smsForm?: string;
  /** Record `fields`, keyed as the form definition writes them (dotted keys become nested objects). */
  fields: Record<string, StoredValue>;
  errors: SmsError[];
  /** Record `refid`: the upper-cased value of the form's `facility_reference` field, when it has one. */
  refid?: StoredValue;
}
