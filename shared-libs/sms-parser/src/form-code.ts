import type { FormDefinition, SmsParserSettings } from './types';

// U+200B–U+200D and U+FEFF: invisible characters that phones slip into messages.
export const ZERO_WIDTH = /[\u200B-\u200D\uFEFF]/g;
// Textforms: the code is the first run of characters that are neither whitespace nor a separator.
const TEXTFORMS_CODE = /^\s*([^\s!\-,:#]+)/;

export const stripInvisible = (text: string): string => text.replace(ZERO_WIDTH, '');

/**
 * The form code of a message, upper-cased, as CHT detects it: in muvuku messages (`1!CODE!…`,
 * any text with at least two `!`) the second `!`-separated part; otherwise the first token
 * before whitespace or one of `! - , : #`. Non-strings and texts without a token have none.
 */
export const getFormCode = (text: unknown): string | undefined => {
  if (typeof text !== 'string') {
    return undefined;
  }
  const parts = text.split('!');
  if (parts.length >= 3) {
    return parts[1].toUpperCase();
  }
  const match = TEXTFORMS_CODE.exec(text);
  return match ? match[1].toUpperCase() : undefined;
};

export const formFor = (settings: SmsParserSettings, code: string | undefined): FormDefinition | undefined => {
  const forms = settings.forms;
  if (code === undefined || !forms || !Object.prototype.hasOwnProperty.call(forms, code)) {
    return undefined;
  }
  return forms[code];
};

export interface DetectedForm {
  code?: string;
  definition?: FormDefinition;
  /** The text to parse: the original, or with the code cleaned of invisible characters. */
  text: string;
}

/**
 * Detects the form of a message. A code without a definition is retried without invisible
 * characters; if that finds a definition, the first occurrence of the code in the text is
 * replaced by the cleaned code so that the parser can strip it.
 */
export const detectForm = (settings: SmsParserSettings, text: string): DetectedForm => {
  const code = getFormCode(text);
  const definition = formFor(settings, code);
  if (code && !definition) {
    const cleaned = stripInvisible(code);
    const cleanedDefinition = formFor(settings, cleaned);
    if (cleanedDefinition) {
      return { code: cleaned, definition: cleanedDefinition, text: text.replace(code, cleaned) };
    }
  }
  return { code, definition, text };
};
