import { createHash } from "node:crypto";

export type Rng = {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Integer in [min, max], both inclusive. */
  int: (min: number, max: number) => number;
  /** Uniform in [min, max). */
  between: (min: number, max: number) => number;
  chance: (probability: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  weighted: <T>(entries: readonly (readonly [T, number])[]) => T;
  /** Waiting time of a Poisson process with `rate` events per unit. */
  exponential: (rate: number) => number;
  normal: () => number;
  logNormal: (median: number, sigma: number) => number;
  uuid: () => string;
  hex: (length: number) => string;
};

const hex8 = (value: number) => (value >>> 0).toString(16).padStart(8, "0");

/** A version-4 UUID from four 32-bit words. */
function uuidFromWords(a: number, b: number, c: number, d: number): string {
  const x = hex8(a);
  const y = hex8((b & 0xffff0fff) | 0x00004000);
  const z = hex8((c & 0x3fffffff) | 0x80000000);
  const w = hex8(d);
  return `${x}-${y.slice(0, 4)}-${y.slice(4)}-${z.slice(0, 4)}-${z.slice(4)}${w}`;
}

/** A fixed UUID derived from a key: catalog ids that must be the same in every run. */
export function stableUuid(key: string): string {
  const digest = createHash("sha256").update(key).digest();
  return uuidFromWords(
    digest.readUInt32BE(0),
    digest.readUInt32BE(4),
    digest.readUInt32BE(8),
    digest.readUInt32BE(12),
  );
}

/** sfc32 seeded from sha256(seed:stream): each stream is independent, so adding one never shifts another. */
export function createRng(seed: number, stream: string): Rng {
  const digest = createHash("sha256").update(`${seed}:${stream}`).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = () => {
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  const normal = () => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const word = () => Math.floor(next() * 4294967296);

  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted: <T>(entries: readonly (readonly [T, number])[]): T => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      const last = entries.at(-1);
      if (!last) throw new Error("weighted pick from an empty list");
      return last[0];
    },
    exponential: (rate) => -Math.log(1 - next()) / rate,
    normal,
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    uuid: () => uuidFromWords(word(), word(), word(), word()),
    hex: (length) => {
      let out = "";
      while (out.length < length) out += hex8(word());
      return out.slice(0, length);
    },
  };
}
