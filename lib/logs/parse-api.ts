// Platform API lines (`app[api]`, before ~2017 `heroku[api]`), PLATFORM.md §4.6 and §4.11 rule 6.
// Rare lines, so plain regexes.
import type { ApiAction, ApiEvent, Envelope, ScaleEntry } from "./types";

// `by user dev@acme.io` today; `by someone@example.com` on old lines; `by heroku-postgres` too.
const BY = / by (?:user )?(\S+)$/;
const RELEASE = /^Release v(\d+)\b/;
const DEPLOY = /^Deploy (\w+)/;
const SCALE = /^Scaled to (.*?)(?: by .*)?$/;
const SCALE_ENTRY = /^([A-Za-z0-9_-]+)@(\d+)(?::(\S+))?$/;
const BUILD = /^Build (started|succeeded|failed)\b/;
const CONFIG = /^(Set|Remove) (.+?) config vars?\b/;
const ROLLBACK = /^Rollback to v(\d+)\b/;
const RESTART = /^Restart(?:ed)?\b/;
const RUN = /^Starting process with command:? (.*?)(?: by (?:user )?\S+)?$/;
const ADDON = /^(?:Attach|Detach|Update|@ref:)/;

type ApiDetail = Omit<ApiEvent, keyof Envelope | "kind" | "user" | "message">;

const NONE: ApiDetail = {
  action: "other",
  version: null,
  commit: null,
  scale: null,
  build: null,
  configOp: null,
  vars: null,
  command: null,
};

function detail(action: ApiAction, fields: Partial<ApiDetail>): ApiDetail {
  return { ...NONE, ...fields, action };
}

function parseScale(text: string): ScaleEntry[] {
  const entries: ScaleEntry[] = [];
  for (const part of text.split(/[\s,]+/)) {
    const m = SCALE_ENTRY.exec(part);
    if (m === null) continue;
    entries.push({ type: m[1] ?? "", quantity: Number(m[2]), size: m[3] ?? null });
  }
  return entries;
}

function unquote(command: string): string {
  return command.length >= 2 && command.startsWith("`") && command.endsWith("`")
    ? command.slice(1, -1)
    : command;
}

function classify(message: string): ApiDetail {
  let m = RELEASE.exec(message);
  if (m) return detail("release", { version: Number(m[1]) });
  m = DEPLOY.exec(message);
  if (m) return detail("deploy", { commit: m[1] ?? null });
  m = SCALE.exec(message);
  if (m) return detail("scale", { scale: parseScale(m[1] ?? "") });
  m = BUILD.exec(message);
  if (m) return detail("build", { build: (m[1] ?? null) as ApiDetail["build"] });
  m = CONFIG.exec(message);
  if (m) {
    const vars = (m[2] ?? "").split(/,\s*|\s+and\s+|\s+/).filter((v) => v.length > 0);
    return detail("config", { configOp: m[1] === "Set" ? "set" : "remove", vars });
  }
  m = ROLLBACK.exec(message);
  if (m) return detail("rollback", { version: Number(m[1]) });
  if (RESTART.test(message)) return detail("restart", {});
  m = RUN.exec(message);
  if (m) return detail("run", { command: unquote(m[1] ?? "") });
  if (ADDON.test(message)) return detail("addon", {});
  return NONE;
}

export function parseApiLine(line: string, start: number, env: Envelope): ApiEvent {
  const message = line.slice(start);
  return {
    kind: "api",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    ...classify(message),
    user: BY.exec(message)?.[1] ?? null,
    message,
  };
}
