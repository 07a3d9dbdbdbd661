/** Phone numbers as RapidPro URNs, and comparing URNs written slightly differently. */
import { normalizePhoneNumber } from '../../shared-libs/phone/src';
import type { AppSettings } from '../../shared-libs/settings/src';

/** `tel:` + CHT's normalised form of the number, or the number as written when it does not normalise. */
export function telUrn(settings: AppSettings, to: string): string {
  const raw = to.trim().replace(/^tel:/i, '');
  return `tel:${normalizePhoneNumber(settings, raw) || raw}`;
}

/** A comparable form: scheme and digits (with a leading +), ignoring spaces and punctuation. */
export function urnKey(urn: string): string {
  const match = /^([a-z]+):(.*)$/i.exec(urn.trim());
  if (!match) {
    return urn.trim();
  }
  const [, scheme, path] = match;
  if (scheme.toLowerCase() === 'tel') {
    return `tel:${path.trim().startsWith('+') ? '+' : ''}${path.replace(/\D/g, '')}`;
  }
  return `${scheme.toLowerCase()}:${path.trim()}`;
}
