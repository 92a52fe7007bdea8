/** The time source services use: real in production, fixed or manual in tests. */
export type Clock = { now: () => Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is put; tests move it with `advance`. */
export function manualClock(start: Date | string): Clock & {
  advance: (ms: number) => void;
  set: (at: Date) => void;
} {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (at) => {
      current = at.getTime();
    },
  };
}
