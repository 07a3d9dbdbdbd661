import { parsePhoneNumberWithError, type CountryCode, type PhoneNumber } from 'libphonenumber-js';

/** URN schemes RapidPro accepts; anything else is an invalid URN. */
const SCHEMES = new Set([
  'tel', 'facebook', 'twitter', 'twitterid', 'viber', 'line', 'telegram', 'email', 'mailto', 'ext',
  'jiochat', 'wechat', 'fcm', 'whatsapp', 'freshchat', 'vk', 'rocketchat', 'discord', 'webchat',
  'instagram', 'slack', 'teams',
]);

interface UrnParts {
  scheme: string;
  path: string;
  query: string | null;
  display: string | null;
}

function toParts(urn: string): UrnParts | null {
  const colon = urn.indexOf(':');
  if (colon <= 0) return null;
  const scheme = urn.slice(0, colon).toLowerCase();
  if (!SCHEMES.has(scheme)) return null;
  let rest = urn.slice(colon + 1);
  let display: string | null = null;
  let query: string | null = null;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    display = rest.slice(hash + 1) || null;
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1) || null;
    rest = rest.slice(0, q);
  }
  if (rest === '') return null;
  return { scheme, path: rest, query, display };
}

function fromParts(p: UrnParts): string {
  return `${p.scheme}:${p.path}${p.query ? `?${p.query}` : ''}${p.display ? `#${p.display}` : ''}`;
}

function parsePhone(number: string, country: string | undefined): PhoneNumber | null {
  try {
    return parsePhoneNumberWithError(number, country as CountryCode | undefined);
  } catch {
    return null;
  }
}

/**
 * RapidPro's number normalisation: drop Excel's `e+11`, keep [0-9a-z+], treat 11+ digits not starting
 * with + or 0 as international, then E.164 when the result is a possible number; otherwise a bare local form.
 */
function normalizeNumber(raw: string, country: string | undefined): string {
  let number = raw;
  const lower = number.toLowerCase();
  if (lower.endsWith('e+11') || lower.endsWith('e+12')) number = number.slice(0, -4).replace(/\./g, '');
  number = number.toLowerCase().replace(/[^0-9a-z+]/g, '');
  if (number.length >= 11 && number[0] !== '+' && number[0] !== '0') number = `+${number}`;
  const parsed = parsePhone(number, country);
  if (parsed?.isPossible()) return parsed.number;
  return number.replace(/[^0-9a-z]/g, '');
}

function isValid(p: UrnParts, country: string | undefined): boolean {
  switch (p.scheme) {
    case 'tel':
      return parsePhone(p.path, country)?.isPossible() === true;
    case 'twitter':
      return /^[a-zA-Z0-9_]{1,15}$/.test(p.path);
    case 'twitterid':
      return /^\d+$/.test(p.path) && (p.display === null || /^[a-zA-Z0-9_]{1,15}$/.test(p.display));
    case 'email':
    case 'mailto':
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(p.path);
    case 'telegram':
    case 'whatsapp':
      return /^\d+$/.test(p.path);
    case 'facebook':
      return p.path.startsWith('ref:') || /^\d+$/.test(p.path);
    default:
      return true;
  }
}

/** Normalises a URN as RapidPro does, or returns null when it would be "Invalid URN". */
export function normalizeUrn(urn: string, country?: string): string | null {
  const parts = toParts(urn);
  if (!parts) return null;
  let path = parts.path.trim();
  let display = parts.display;
  if (parts.scheme === 'tel') path = normalizeNumber(path, country);
  else if (parts.scheme === 'twitter') path = path.toLowerCase().replace(/^@/, '');
  else if (parts.scheme === 'email') path = path.toLowerCase();
  else if (parts.scheme === 'twitterid' && display) display = display.trim().toLowerCase().replace(/^@/, '');
  if (path === '') return null;
  const normalized: UrnParts = { ...parts, path, display };
  return isValid(normalized, country) ? fromParts(normalized) : null;
}

/** Identity of a URN (scheme and path only), used to find its contact. */
export function urnIdentity(urn: string): string {
  const parts = toParts(urn);
  return parts ? `${parts.scheme}:${parts.path}` : urn;
}

/** Python's `str()` of a JSON value, as it appears in RapidPro's error messages. */
export function pyStr(value: unknown): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  return JSON.stringify(value);
}

function pyFloat(n: number): string {
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Python's type name of a JSON value, as in DRF's "got type \"str\"" messages. */
export function pyTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      return 'dict';
  }
}
