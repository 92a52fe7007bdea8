const FRACTION_SCALE = [1, 100000, 10000, 1000, 100, 10, 1];

// Lines come in time order, so consecutive timestamps nearly always share their date: its day
// number is remembered instead of recomputed (five divisions) for every line.
let lastDateKey = -1;
let lastDays = 0;

function daysOf(year: number, month: number, day: number): number {
  const key = (year * 16 + month) * 32 + day;
  if (key !== lastDateKey) {
    lastDays = daysFromCivil(year, month, day);
    lastDateKey = key;
  }
  return lastDays;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil), year ≥ 1. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = (y / 400) | 0;
  const yoe = y - era * 400;
  const doy = (((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) | 0) + day - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Epoch microseconds (UTC) of the RFC 3339 timestamp `s[start, end)`, or NaN when it is not one.
 * Accepts any fraction length (digits past microseconds are dropped), `Z` and `±HH:MM` offsets.
 * PLATFORM.md §4.1: `2025-03-04T09:30:00.118723+00:00`, `2011-06-14T09:12:31+00:00`, `...-07:00`, `Z`.
 */
export function parseTimestampMicros(s: string, start: number, end: number): number {
  if (end - start < 20) return Number.NaN;
  const y0 = s.charCodeAt(start) - 48;
  const y1 = s.charCodeAt(start + 1) - 48;
  const y2 = s.charCodeAt(start + 2) - 48;
  const y3 = s.charCodeAt(start + 3) - 48;
  const mo0 = s.charCodeAt(start + 5) - 48;
  const mo1 = s.charCodeAt(start + 6) - 48;
  const d0 = s.charCodeAt(start + 8) - 48;
  const d1 = s.charCodeAt(start + 9) - 48;
  const h0 = s.charCodeAt(start + 11) - 48;
  const h1 = s.charCodeAt(start + 12) - 48;
  const mi0 = s.charCodeAt(start + 14) - 48;
  const mi1 = s.charCodeAt(start + 15) - 48;
  const s0 = s.charCodeAt(start + 17) - 48;
  const s1 = s.charCodeAt(start + 18) - 48;
  // Unsigned compare: a non-digit is negative (→ huge) or above 9.
  if (
    y0 >>> 0 > 9 ||
    y1 >>> 0 > 9 ||
    y2 >>> 0 > 9 ||
    y3 >>> 0 > 9 ||
    mo0 >>> 0 > 9 ||
    mo1 >>> 0 > 9 ||
    d0 >>> 0 > 9 ||
    d1 >>> 0 > 9 ||
    h0 >>> 0 > 9 ||
    h1 >>> 0 > 9 ||
    mi0 >>> 0 > 9 ||
    mi1 >>> 0 > 9 ||
    s0 >>> 0 > 9 ||
    s1 >>> 0 > 9 ||
    s.charCodeAt(start + 4) !== 45 ||
    s.charCodeAt(start + 7) !== 45 ||
    (s.charCodeAt(start + 10) | 32) !== 116 ||
    s.charCodeAt(start + 13) !== 58 ||
    s.charCodeAt(start + 16) !== 58
  ) {
    return Number.NaN;
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) {
    return Number.NaN;
  }
  if (day > 28 && day > daysInMonth(year, month)) return Number.NaN;
  let i = start + 19;
  let micros = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    let digits = 0;
    while (i < end) {
      const d = s.charCodeAt(i) - 48;
      if (d >>> 0 > 9) break;
      if (digits < 6) {
        micros = micros * 10 + d;
        digits++;
      }
      i++;
    }
    if (digits === 0) return Number.NaN;
    micros *= FRACTION_SCALE[digits] ?? 1;
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(i);
  if ((zone | 32) === 122) {
    i++;
  } else if (zone === 43 || zone === 45) {
    if (end - i < 6 || s.charCodeAt(i + 3) !== 58) return Number.NaN;
    const oh0 = s.charCodeAt(i + 1) - 48;
    const oh1 = s.charCodeAt(i + 2) - 48;
    const om0 = s.charCodeAt(i + 4) - 48;
    const om1 = s.charCodeAt(i + 5) - 48;
    if (oh0 >>> 0 > 9 || oh1 >>> 0 > 9 || om0 >>> 0 > 9 || om1 >>> 0 > 9) return Number.NaN;
    const oh = oh0 * 10 + oh1;
    const om = om0 * 10 + om1;
    if (oh > 23 || om > 59) return Number.NaN;
    offsetMinutes = zone === 43 ? oh * 60 + om : -(oh * 60 + om);
    i += 6;
  } else {
    return Number.NaN;
  }
  if (i !== end) return Number.NaN;
  const seconds =
    daysOf(year, month, day) * 86400 + hour * 3600 + (minute - offsetMinutes) * 60 + second;
  const result = seconds * 1_000_000 + micros;
  // Outside about 1685–2255 epoch microseconds are no longer exact in a double.
  return Number.isSafeInteger(result) ? result : Number.NaN;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
