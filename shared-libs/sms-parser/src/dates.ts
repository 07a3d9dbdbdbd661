// ISO 8601 as moment.js reads it: date (YYYY-MM-DD, YYYY-MM or YYYYMMDD), optional time, optional offset.
const ISO_DATE = /^\s*(\d{4})-(\d\d)(?:-(\d\d))?(?:[T ](\d\d)(?::?(\d\d)(?::?(\d\d)(?:[.,](\d+))?)?)?(Z|[+-]\d\d(?::?\d\d)?)?)?\s*$/;
const BASIC_DATE = /^\s*(\d{4})(\d\d)(\d\d)\s*$/;
const DIGITS_AND_SEPARATORS = /^[\d\s/\-.,:]+$/;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const offsetMinutes = (offset: string | undefined): number => {
  if (!offset || offset === 'Z') {
    return 0;
  }
  const sign = offset[0] === '-' ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
};

const fromParts = (parts: Array<string | undefined>): number | null => {
  const [year, month, day = '01', hour = '00', minute = '00', second = '00', fraction = '0', offset] = parts;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || Number(hour) > 24 || Number(minute) > 59 || Number(second) > 59) {
    return null;
  }
  const millis = Math.round(Number(`0.${fraction}`) * 1000);
  return Date.UTC(y, m - 1, d, Number(hour), Number(minute), Number(second), millis) - offsetMinutes(offset) * 60000;
};

/**
 * A date field value in milliseconds since the epoch, as CHT stores it (it uses moment.js).
 * ISO dates are read strictly (an impossible date is `null`); other texts of digits and
 * separators (`2012/3/12`) as JavaScript's `Date` reads them. Times without an offset are taken as
 * UTC, the time zone of CHT's standard deployment. Anything else is `null` (stored as CHT stores
 * an invalid date).
 */
export const parseDateText = (text: string): number | null => {
  const iso = ISO_DATE.exec(text) ?? BASIC_DATE.exec(text);
  if (iso) {
    return fromParts(iso.slice(1));
  }
  if (!DIGITS_AND_SEPARATORS.test(text)) {
    return null;
  }
  const parsed = Date.parse(`${text.trim()} UTC`);
  return Number.isNaN(parsed) ? null : parsed;
};
