// The pure evaluator: a rule and what was measured for its targets in, breaches out. No I/O; the
// measurements come from lib/rules/measure (SQL over stored counts and samples).
import type { KindParams } from "./schema";

/** A dyno type or dyno of an app, as measured. */
export type Target = {
  appId: string;
  appName: string;
  dynoType: string | null;
  dyno: string | null;
};

export type Measurement =
  | (Target & { kind: "error_code"; code: string; count: number; series: number[] })
  | (Target & { kind: "http_5xx"; requests: number; errors: number; series: number[] })
  /** Newest first: RSS % of quota of the dyno's last samples, and the newest RSS and quota (MB). */
  | (Target & {
      kind: "memory";
      percents: number[];
      rssMb: number | null;
      quotaMb: number | null;
    })
  /** Newest first: 1-minute load of the dyno's last samples. */
  | (Target & { kind: "load"; loads: number[] })
  | (Target & { kind: "crash"; count: number; lastAt: Date })
  | (Target & { kind: "ingest_silence"; lastLineAt: Date | null; silentSeconds: number })
  | (Target & {
      kind: "check_failing";
      checkName: string;
      failures: number;
      lastError: string | null;
    });

export type Breach = Target & {
  code: string | null;
  /** The measure compared with the threshold: a count, a %, a load, minutes of silence. */
  value: number;
  threshold: number;
  /** One line for lists and subjects: "5 × R14 in 300 s". */
  summary: string;
  observed: {
    count?: number;
    percent?: number;
    valueMb?: number;
    quotaMb?: number;
    load?: number;
    requests?: number;
  };
  /** A few recent points for the email's sparkline. */
  series: number[];
};

const round = (value: number, digits = 1) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** The part of an incident's fingerprint that names its target. */
export function targetKey(target: Target): string {
  return [target.appId, target.dynoType ?? "*", target.dyno ?? "*"].join("/");
}

/** Breaches of `rule` among `measurements` (the measure step already applied the rule's target). */
export function evaluateRule(rule: KindParams, measurements: readonly Measurement[]): Breach[] {
  const breaches: Breach[] = [];
  for (const m of measurements) {
    const base: Target = {
      appId: m.appId,
      appName: m.appName,
      dynoType: m.dynoType,
      dyno: m.dyno,
    };
    const where = [m.appName, m.dyno ?? m.dynoType].filter(Boolean).join(" ");
    if (rule.kind === "error_code" && m.kind === "error_code") {
      const { leastCount, windowSeconds, code } = rule.params;
      if (m.code !== code || m.count < leastCount) continue;
      breaches.push({
        ...base,
        code,
        value: m.count,
        threshold: leastCount,
        summary: `${m.count} × ${code} in ${windowSeconds} s on ${where}`,
        observed: { count: m.count },
        series: m.series,
      });
    } else if (rule.kind === "http_5xx" && m.kind === "http_5xx") {
      const { percent, minRequests, windowSeconds } = rule.params;
      if (m.requests < minRequests || m.requests === 0) continue;
      const rate = (100 * m.errors) / m.requests;
      if (rate < percent) continue;
      breaches.push({
        ...base,
        code: "5xx",
        value: round(rate, 2),
        threshold: percent,
        summary: `${round(rate)} % 5xx (${m.errors} of ${m.requests}) in ${windowSeconds / 60} min on ${where}`,
        observed: { percent: round(rate, 2), requests: m.requests, count: m.errors },
        series: m.series,
      });
    } else if (rule.kind === "memory" && m.kind === "memory") {
      const { percent, samples } = rule.params;
      const recent = m.percents.slice(0, samples);
      if (recent.length < samples || recent.some((p) => p < percent)) continue;
      const now = recent[0] ?? 0;
      breaches.push({
        ...base,
        code: "memory",
        value: round(now, 1),
        threshold: percent,
        summary: `RSS ${round(now)} % of quota for ${samples} samples on ${where}`,
        observed: {
          percent: round(now, 1),
          valueMb: m.rssMb ?? undefined,
          quotaMb: m.quotaMb ?? undefined,
        },
        series: [...m.percents].reverse(),
      });
    } else if (rule.kind === "load" && m.kind === "load") {
      const { load, samples } = rule.params;
      const recent = m.loads.slice(0, samples);
      if (recent.length < samples || recent.some((l) => l < load)) continue;
      const now = recent[0] ?? 0;
      breaches.push({
        ...base,
        code: "load",
        value: round(now, 2),
        threshold: load,
        summary: `load ${round(now, 2)} for ${samples} samples on ${where}`,
        observed: { load: round(now, 2) },
        series: [...m.loads].reverse(),
      });
    } else if (rule.kind === "crash" && m.kind === "crash") {
      if (m.count < 1) continue;
      breaches.push({
        ...base,
        code: "crashed",
        value: m.count,
        threshold: 1,
        summary: `${where} crashed${m.count > 1 ? ` ${m.count} times` : ""} in ${rule.params.windowSeconds / 60} min`,
        observed: { count: m.count },
        series: [],
      });
    } else if (rule.kind === "check_failing" && m.kind === "check_failing") {
      if (m.failures < rule.params.failures) continue;
      breaches.push({
        ...base,
        code: "check",
        value: m.failures,
        threshold: rule.params.failures,
        summary: `check ${m.checkName} failed ${m.failures}× in a row${m.lastError ? `: ${m.lastError}` : ""}`,
        observed: { count: m.failures },
        series: [],
      });
    } else if (rule.kind === "ingest_silence" && m.kind === "ingest_silence") {
      const minutes = m.silentSeconds / 60;
      if (minutes < rule.params.minutes) continue;
      breaches.push({
        ...base,
        code: "silence",
        value: Math.floor(minutes),
        threshold: rule.params.minutes,
        summary:
          m.lastLineAt === null
            ? `no log lines from ${m.appName} yet`
            : `no log lines from ${m.appName} for ${Math.floor(minutes)} min`,
        observed: { count: Math.floor(minutes) },
        series: [],
      });
    }
  }
  return breaches;
}
