export const MICROS_PER_SECOND = 1_000_000;

export const seconds = (value: number): number => Math.round(value * MICROS_PER_SECOND);

export const toMicros = (date: Date): number => date.getTime() * 1000;

export const toDate = (micros: number): Date => new Date(Math.floor(micros / 1000));

/** PLATFORM.md §1.1: API timestamps are ISO 8601 UTC, second precision, `Z`. */
export function apiTimestamp(micros: number): string {
  return `${toDate(micros).toISOString().slice(0, 19)}Z`;
}

/** PLATFORM.md §4.1: log timestamps carry microseconds and a numeric offset. */
export function logTimestamp(micros: number): string {
  const whole = Math.floor(micros);
  const fraction = String(((whole % MICROS_PER_SECOND) + MICROS_PER_SECOND) % MICROS_PER_SECOND);
  return `${toDate(whole).toISOString().slice(0, 19)}.${fraction.padStart(6, "0")}+00:00`;
}
