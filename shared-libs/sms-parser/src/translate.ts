import type { Translatable } from './types';

export const DEFAULT_LOCALE = 'en';

const isTranslationList = (value: object): value is { translations: ReadonlyArray<{ locale: string; content: string }> } => {
  return Array.isArray((value as { translations?: unknown }).translations);
};

const inLocale = (value: object, locale: string): string | undefined => {
  if (isTranslationList(value)) {
    return value.translations.find(t => t.locale === locale)?.content;
  }
  const text = (value as Record<string, unknown>)[locale];
  return typeof text === 'string' ? text : undefined;
};

const first = (value: object): string | undefined => {
  if (isTranslationList(value)) {
    return value.translations[0]?.content;
  }
  const texts = Object.values(value);
  return typeof texts[0] === 'string' ? texts[0] : undefined;
};

/**
 * Resolves a label as CHT does: the requested locale, then `default`, then English, then the
 * first translation given. A string is returned as it is: CHT would look it up as a translation
 * key, and this package has no translation tables.
 */
export const translate = (value: Translatable | null | undefined, locale: string = DEFAULT_LOCALE): string | undefined => {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value;
  }
  return inLocale(value, locale) ||
    (typeof (value as Record<string, unknown>).default === 'string' ? (value as Record<string, string>).default : undefined) ||
    inLocale(value, DEFAULT_LOCALE) ||
    first(value);
};
