/**
 * POST /api/v2/broadcasts.json validation, as RapidPro's BroadcastWriteSerializer does it (reference §3.1–3.2):
 * body must be an object, workspace must not be blocked, field errors (in declaration order) before the
 * object-level `non_field_errors`.
 */
import {
  charField,
  fail,
  isObject,
  languageDictField,
  languageField,
  listField,
  manyRelatedField,
  maxChars,
  nullOrBlank,
  ok,
  type ErrorDetail,
  type FieldResult,
  type JsonObject,
} from './drf-fields';
import type { ApiLine, QuickReply } from './types';
import { normalizeUrn, pyStr, pyTypeName } from './urns';

/** Longest message text: `MSG_FIELD_SIZE` on rp9, `Msg.MAX_TEXT_LEN` upstream. */
export const MAX_TEXT_LENGTH: Record<ApiLine, number> = { rp9: 640, upstream: 4096 };

const BLOCKED_TEXT = {
  flagged:
    'Sorry, your workspace is currently flagged. To re-enable starting flows and sending messages, please contact support.',
  suspended:
    'Sorry, your workspace is currently suspended. To re-enable starting flows and sending messages, please contact support.',
};

export interface Translation {
  text: string | null;
  attachments: string[];
  quickReplies: QuickReply[];
}

export interface ValidBroadcast<C> {
  urns: string[];
  contacts: C[];
  translations: Record<string, Translation>;
  baseLanguage: string;
}

export type BroadcastValidation<C> =
  | { kind: 'valid'; value: ValidBroadcast<C> }
  | { kind: 'invalid'; errors: Record<string, ErrorDetail> }
  /** RapidPro raises inside validate() (base_language with attachments but no text): plain 500. */
  | { kind: 'server-error' };

export interface ValidationContext<C> {
  line: ApiLine;
  primaryLanguage: string;
  country: string | undefined;
  blocked: 'flagged' | 'suspended' | undefined;
  /** Finds an existing contact by UUID or URN. */
  findContact(value: string): C | null;
}

function urnItem(country: string | undefined) {
  return (item: unknown): FieldResult<string> => {
    const empty = nullOrBlank(item);
    if (empty) return empty;
    const normalized = normalizeUrn(pyStr(item), country);
    if (normalized === null) return fail([`Invalid URN: ${pyStr(item)}. Ensure phone numbers contain country codes.`]);
    return normalized.length > 255 ? fail([maxChars(255)]) : ok(normalized);
  };
}

/** Attachments must reference media of the workspace; the simulator treats a `type:url` naming a UUID as such. */
function findMedia(value: string): string | null {
  const m = /^([a-z]+\/[-+.\w]+):(.+)$/i.exec(value);
  return m && /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(m[2]) ? value : null;
}

const QUICK_REPLY_TYPES = ['text', 'form', 'url', 'location'];

function quickReply(item: unknown): FieldResult<QuickReply> {
  if (typeof item === 'string') {
    const text = charField(item, 64);
    return text.ok ? ok({ type: 'text', text: text.value }) : fail({ text: text.error });
  }
  if (!isObject(item)) {
    return fail({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyTypeName(item)}.`] });
  }
  const errors: { [k: string]: ErrorDetail } = {};
  const type = item.type ?? 'text';
  if (typeof type !== 'string' || !QUICK_REPLY_TYPES.includes(type)) errors.type = [`"${pyStr(type)}" is not a valid choice.`];
  const text = item.text === undefined ? fail<string>(['This field is required.']) : charField(item.text, 64);
  if (!text.ok) errors.text = text.error;
  const extra = item.extra === undefined ? ok<string | undefined>(undefined) : charField(item.extra, 1000);
  if (!extra.ok) errors.extra = extra.error;
  if (Object.keys(errors).length > 0 || !text.ok || !extra.ok) return fail(errors);
  const reply: QuickReply = { type: type as QuickReply['type'], text: text.value };
  if (extra.value !== undefined) reply.extra = extra.value;
  return ok(reply);
}

export function validateBroadcast<C>(body: unknown, ctx: ValidationContext<C>): BroadcastValidation<C> {
  const invalid = (errors: Record<string, ErrorDetail>): BroadcastValidation<C> => ({ kind: 'invalid', errors });
  if (!isObject(body)) return invalid({ non_field_errors: ['Request body should be a single JSON object'] });
  if (ctx.blocked) return invalid({ non_field_errors: [BLOCKED_TEXT[ctx.blocked]] });

  const errors: Record<string, ErrorDetail> = {};
  const field = <T>(name: string, run: (v: unknown) => FieldResult<T>): T | undefined => {
    if (!(name in body)) return undefined;
    const r = run((body as JsonObject)[name]);
    if (r.ok) return r.value;
    errors[name] = r.error;
    return undefined;
  };
  const isList = (v: unknown): boolean => Array.isArray(v);
  const p = ctx.primaryLanguage;

  const urns = field('urns', (v) => listField(v, 100, urnItem(ctx.country)));
  const contacts = field('contacts', (v) => manyRelatedField(v, 100, (s) => ctx.findContact(s)));
  field('groups', (v) => manyRelatedField(v, 100, () => null)); // the simulator has no groups
  const text = field('text', (v) =>
    languageDictField(v, p, (x) => typeof x === 'string', (x) => charField(x, MAX_TEXT_LENGTH[ctx.line])),
  );
  const attachments = field('attachments', (v) =>
    languageDictField(v, p, isList, (x) => manyRelatedField(x, 10, findMedia)),
  );
  const quickReplies =
    ctx.line === 'upstream'
      ? field('quick_replies', (v) => languageDictField(v, p, isList, (x) => listField(x, 10, quickReply)))
      : undefined;
  const baseLanguage = field('base_language', languageField);
  if (Object.keys(errors).length > 0) return invalid(errors);

  const nonField = (message: string): BroadcastValidation<C> => invalid({ non_field_errors: [message] });
  if (!text && !attachments) return nonField('Must provide either text or attachments.');
  if (!urns?.length && !contacts?.length) return nonField('Must provide either urns, contacts or groups.');
  if (baseLanguage) {
    if (!text) return { kind: 'server-error' };
    if (!(baseLanguage in text)) return nonField('No text translation provided in base language.');
    if (attachments && !(baseLanguage in attachments)) {
      return nonField('No attachment translations provided in base language.');
    }
    if (quickReplies && !(baseLanguage in quickReplies)) {
      return nonField('No quick_replies translations provided in base language.');
    }
  }

  const translations: Record<string, Translation> = {};
  const entry = (lang: string): Translation =>
    (translations[lang] ??= { text: null, attachments: [], quickReplies: [] });
  for (const [lang, t] of Object.entries(text ?? {})) entry(lang).text = t;
  for (const [lang, a] of Object.entries(attachments ?? {})) entry(lang).attachments = a;
  for (const [lang, q] of Object.entries(quickReplies ?? {})) entry(lang).quickReplies = q;
  return {
    kind: 'valid',
    value: {
      urns: urns ?? [],
      contacts: contacts ?? [],
      translations,
      baseLanguage: baseLanguage ?? Object.keys(translations)[0],
    },
  };
}
