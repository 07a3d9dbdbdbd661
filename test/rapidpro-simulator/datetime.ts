/**
 * Times are kept as integer microseconds since the epoch, the precision RapidPro stores and shows.
 */

export function msToUs(ms: number): number {
  return Math.round(ms * 1000);
}

export function usToMs(us: number): number {
  return us / 1000;
}

/**
 * Formats like DRF's DateTimeField: `isoformat()` with `Z`, so the fraction is left out when the
 * microseconds are exactly zero (`2026-05-04T10:21:33Z`), otherwise six digits.
 */
export function formatDatetime(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  const micros = us - seconds * 1_000_000;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micros === 0 ? `${base}Z` : `${base}.${String(micros).padStart(6, '0')}Z`;
}

/** The forms Python's `iso8601.parse_date` accepts: basic or extended, date only, `Z`/offset/none (= UTC). */
const ISO8601 =
  /^(\d{4})(?:(?:-(\d{1,2})|(\d{2})(?!$))(?:(?:-(\d{1,2})|(\d{2}))(?:([ T])(\d{2})(?::?(\d{2}))?(?::?(\d{1,2})(?:[.,](\d+))?)?(Z|([-+])(\d{2}):?(\d{2})?)?)?)?)?$/;

/** Parses a query-parameter datetime to microseconds, or null when RapidPro would fail to parse it. */
export function parseIsoDatetime(text: string): number | null {
  const m = ISO8601.exec(text);
  if (!m) return null;
  const num = (s: string | undefined, dflt: number): number => (s === undefined ? dflt : Number(s));
  const year = Number(m[1]);
  const month = num(m[2] ?? m[3], 1);
  const day = num(m[4] ?? m[5], 1);
  const hour = num(m[7], 0);
  const minute = num(m[8], 0);
  const second = num(m[9], 0);
  const micros = m[10] === undefined ? 0 : Math.floor(Number(`0.${m[10]}`) * 1_000_000);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(epochMs);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null; // e.g. 31 February
  let offsetMinutes = 0;
  if (m[12] !== undefined) {
    const tzHour = Number(m[13]);
    const tzMinute = num(m[14], 0);
    if (tzHour > 23 || tzMinute > 59) return null;
    offsetMinutes = (m[12] === '-' ? -1 : 1) * (tzHour * 60 + tzMinute);
  }
  return (epochMs - offsetMinutes * 60_000) * 1000 + micros;
}

/** Seed inputs accept an ISO string or epoch milliseconds. */
export function toUs(value: string | number): number {
  if (typeof value === 'number') return msToUs(value);
  const us = parseIsoDatetime(value);
  if (us === null) throw new Error(`not an ISO-8601 datetime: ${value}`);
  return us;
}
