// `sample#` lines: dyno runtime metrics (PLATFORM.md §4.8) and Postgres / Redis add-on metrics
// (§4.9, §4.10). Every field is optional; unknown keys are ignored.
import {
  createLogfmtPair,
  keyIs as keyIsImport,
  logfmtValue as logfmtValueImport,
  nextLogfmtPair as nextLogfmtPairImport,
} from "./logfmt";
import {
  decimalValue as decimalValueImport,
  parseWithUnit as parseWithUnitImport,
  scanDecimal as scanDecimalImport,
} from "./numbers";
import type { AddonKind, AddonMetricsEvent, Envelope, RuntimeMetricsEvent } from "./types";

// Reused across calls: parsing is synchronous, so no two calls ever share it at the same time.
const pair = createLogfmtPair();

// Bound once: tsx runs this file as CommonJS, where every call through an import is a getter.
const nextLogfmtPair = nextLogfmtPairImport;
const keyIs = keyIsImport;
const logfmtValue = logfmtValueImport;
const parseWithUnit = parseWithUnitImport;
const decimalValue = decimalValueImport;
const scanDecimal = scanDecimalImport;

function keyIs7(s: string, pos: number, key: string): boolean {
  for (let k = 1; k < 7; k++) if (s.charCodeAt(pos + k) !== key.charCodeAt(k)) return false;
  return true;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

// Set by readValue: where the value it read ends.
let valueEnd = 0;

/**
 * The number at `i` followed by `unit` (or nothing) up to the next space, e.g. `398.13MB`,
 * `214406pages`, `0.42`; null for anything else. Leaves the value's end in `valueEnd`.
 */
function readValue(s: string, start: number, end: number, unit: string): number | null {
  let i = start;
  let n = 0;
  let c = 0;
  let fraction = -1;
  while (i < end) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) {
      fraction = 0;
    } else {
      break;
    }
    i++;
  }
  const digits = i - start - (fraction >= 0 ? 1 : 0);
  if (digits > 0 && digits <= 15 && fraction !== 0 && fraction <= 8) {
    const ul = unit.length;
    let matches = true;
    for (let k = 0; k < ul; k++) {
      if (s.charCodeAt(i + k) !== unit.charCodeAt(k)) {
        matches = false;
        break;
      }
    }
    const after = i + ul;
    if (matches && (after >= end || s.charCodeAt(after) === 32)) {
      valueEnd = Math.min(after, end);
      return fraction > 0 ? n / (POW10[fraction] ?? 1) : n;
    }
  }
  // Unusual: find the end, then apply the general number rules.
  let sp = s.indexOf(" ", start);
  if (sp === -1 || sp > end) sp = end;
  valueEnd = sp;
  return parseWithUnit(s, start, sp, unit);
}

export function parseRuntimeMetrics(
  line: string,
  start: number,
  env: Envelope,
): RuntimeMetricsEvent {
  let sourceDyno: string | null = null;
  let instance: string | null = null;
  let load1m: number | null = null;
  let load5m: number | null = null;
  let load15m: number | null = null;
  let memoryTotalMb: number | null = null;
  let memoryRssMb: number | null = null;
  let memoryCacheMb: number | null = null;
  let memorySwapMb: number | null = null;
  let memoryPgpgin: number | null = null;
  let memoryPgpgout: number | null = null;
  let memoryQuotaMb: number | null = null;

  const s = line;
  const end = line.length;
  let pos = start;
  while (pos < end) {
    const c = s.charCodeAt(pos);
    if (c === 32) {
      pos++;
      continue;
    }
    // PLATFORM.md §4.8 keys, recognised by the characters that tell them apart and the `=`
    // after them; anything else goes through the general tokenizer and is ignored.
    if (c === 115 && s.charCodeAt(pos + 6) === 35 && s.charCodeAt(pos + 1) === 97) {
      const k = s.charCodeAt(pos + 7);
      if (k === 108 && s.charCodeAt(pos + 15) === 95) {
        // sample#load_avg_1m= / _5m= / _15m=
        const a = s.charCodeAt(pos + 16);
        if (s.charCodeAt(pos + 17) === 109 && s.charCodeAt(pos + 18) === 61) {
          if (a === 49) {
            load1m = readValue(s, pos + 19, end, "");
            pos = valueEnd;
            continue;
          }
          if (a === 53) {
            load5m = readValue(s, pos + 19, end, "");
            pos = valueEnd;
            continue;
          }
        } else if (
          a === 49 &&
          s.charCodeAt(pos + 17) === 53 &&
          s.charCodeAt(pos + 18) === 109 &&
          s.charCodeAt(pos + 19) === 61
        ) {
          load15m = readValue(s, pos + 20, end, "");
          pos = valueEnd;
          continue;
        }
      } else if (k === 109 && s.charCodeAt(pos + 13) === 95) {
        // sample#memory_<name>=
        const m = s.charCodeAt(pos + 14);
        if (m === 116 && s.charCodeAt(pos + 19) === 61 && s.charCodeAt(pos + 18) === 108) {
          memoryTotalMb = readValue(s, pos + 20, end, "MB");
          pos = valueEnd;
          continue;
        }
        if (m === 114 && s.charCodeAt(pos + 17) === 61 && s.charCodeAt(pos + 16) === 115) {
          memoryRssMb = readValue(s, pos + 18, end, "MB");
          pos = valueEnd;
          continue;
        }
        if (m === 99 && s.charCodeAt(pos + 19) === 61 && s.charCodeAt(pos + 18) === 101) {
          memoryCacheMb = readValue(s, pos + 20, end, "MB");
          pos = valueEnd;
          continue;
        }
        if (m === 115 && s.charCodeAt(pos + 18) === 61 && s.charCodeAt(pos + 17) === 112) {
          memorySwapMb = readValue(s, pos + 19, end, "MB");
          pos = valueEnd;
          continue;
        }
        if (m === 113 && s.charCodeAt(pos + 19) === 61 && s.charCodeAt(pos + 18) === 97) {
          memoryQuotaMb = readValue(s, pos + 20, end, "MB");
          pos = valueEnd;
          continue;
        }
        if (m === 112 && s.charCodeAt(pos + 20) === 61 && s.charCodeAt(pos + 19) === 110) {
          memoryPgpgin = readValue(s, pos + 21, end, "pages");
          pos = valueEnd;
          continue;
        }
        if (m === 112 && s.charCodeAt(pos + 21) === 61 && s.charCodeAt(pos + 20) === 116) {
          memoryPgpgout = readValue(s, pos + 22, end, "pages");
          pos = valueEnd;
          continue;
        }
      }
    }
    if (c === 115 && s.charCodeAt(pos + 6) === 61 && s.charCodeAt(pos + 7) !== 34) {
      if (keyIs7(s, pos, "source=")) {
        let ve = pos + 7;
        while (ve < end && s.charCodeAt(ve) !== 32) ve++;
        sourceDyno = ve > pos + 7 ? s.slice(pos + 7, ve) : null;
        pos = ve;
        continue;
      }
    } else if (c === 100 && s.charCodeAt(pos + 4) === 61 && s.charCodeAt(pos + 5) !== 34) {
      if (
        s.charCodeAt(pos + 1) === 121 &&
        s.charCodeAt(pos + 2) === 110 &&
        s.charCodeAt(pos + 3) === 111
      ) {
        let ve = s.indexOf(" ", pos + 5);
        if (ve === -1 || ve > end) ve = end;
        instance = ve > pos + 5 ? s.slice(pos + 5, ve) : null;
        pos = ve;
        continue;
      }
    }
    nextLogfmtPair(s, pos, end, pair);
    pos = pair.next;
    const len = pair.keyEnd - pair.keyStart;
    if (len === 6 && keyIs(s, pair, "source")) {
      sourceDyno = pair.valueEnd > pair.valueStart ? logfmtValue(s, pair) : null;
    } else if (len === 4 && keyIs(s, pair, "dyno")) {
      instance = pair.valueEnd > pair.valueStart ? logfmtValue(s, pair) : null;
    }
  }

  return {
    kind: "runtime_metrics",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    sourceDyno,
    instance,
    load1m,
    load5m,
    load15m,
    memoryTotalMb,
    memoryRssMb,
    memoryCacheMb,
    memorySwapMb,
    memoryPgpgin,
    memoryPgpgout,
    memoryQuotaMb,
  };
}

function isLetter(c: number): boolean {
  const lower = c | 32;
  return lower >= 97 && lower <= 122;
}

/** A `sample#` line of `app[heroku-postgres]` or `app[heroku-redis]`; units are stripped. */
export function parseAddonMetrics(
  line: string,
  start: number,
  env: Envelope,
  addonKind: AddonKind,
): AddonMetricsEvent {
  let attachment: string | null = null;
  let addon: string | null = null;
  const samples: Record<string, number> = {};
  const units: Record<string, string> = {};
  const s = line;
  const end = line.length;
  let pos = start;
  while (pos < end) {
    const c = s.charCodeAt(pos);
    if (c === 32) {
      pos++;
      continue;
    }
    if (c === 115 && s.charCodeAt(pos + 6) === 35 && keyIs7(s, pos, "sample#")) {
      // `sample#<name>=<number><unit>`: PLATFORM.md §4.9/§4.10 (`1874059311bytes`, `7340032.0bytes`).
      const nameStart = pos + 7;
      let i = nameStart;
      while (i < end) {
        const k = s.charCodeAt(i);
        if (k === 61 || k === 32) break;
        i++;
      }
      if (i < end && s.charCodeAt(i) === 61 && i > nameStart) {
        const vs = i + 1;
        const numEnd = scanDecimal(s, vs, end);
        let ve = numEnd;
        while (ve < end && isLetter(s.charCodeAt(ve))) ve++;
        if (numEnd > vs && (ve === end || s.charCodeAt(ve) === 32)) {
          const name = s.slice(nameStart, i);
          // Assigning to `__proto__` would not create a key (and must not touch the prototype).
          if (name !== "__proto__") {
            samples[name] = decimalValue(s, vs, numEnd);
            if (numEnd < ve) units[name] = s.slice(numEnd, ve);
          }
          pos = ve;
          continue;
        }
      }
    }
    nextLogfmtPair(s, pos, end, pair);
    pos = pair.next;
    const len = pair.keyEnd - pair.keyStart;
    if (len === 6 && keyIs(s, pair, "source")) {
      attachment = pair.valueEnd > pair.valueStart ? logfmtValue(s, pair) : null;
    } else if (len === 5 && keyIs(s, pair, "addon")) {
      addon = pair.valueEnd > pair.valueStart ? logfmtValue(s, pair) : null;
    }
  }
  return {
    kind: "addon_metrics",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    addonKind,
    attachment,
    addon,
    samples,
    units,
  };
}
