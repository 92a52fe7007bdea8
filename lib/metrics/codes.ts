// What each Heroku error code means, for chart tooltips and legends (PLATFORM.md, Heroku error codes).
// Pure: no I/O.

export type CodeInfo = { code: string; description: string; advice: string | null; href: string };

const ERROR_CODES_URL = "https://devcenter.heroku.com/articles/error-codes";

const CODES: Record<string, [description: string, advice?: string]> = {
  H10: ["App crashed", "A web dyno crashed or failed to boot: look for the crash just before."],
  H11: ["Backlog too deep", "Too many requests queued: add dynos or speed up requests."],
  H12: ["Request timeout", "A request took over 30 s: move slow work to a background worker."],
  H13: [
    "Connection closed without response",
    "The dyno closed the socket: look for a crash or a killed worker process.",
  ],
  H14: ["No web dynos running", "Scale web above 0."],
  H15: ["Idle connection", "No data for 55 s on an open connection."],
  H18: ["Server request interrupted", "The dyno closed the connection mid-response."],
  H19: [
    "Backend connection timeout",
    "The router could not connect to a dyno within 5 s: the dyno is overloaded.",
  ],
  H20: ["App boot timeout", "The web process did not bind $PORT within the boot timeout."],
  H21: ["Backend connection refused", "The dyno refused the connection."],
  H22: ["Connection limit reached", "Too many connections to one dyno."],
  H23: ["Endpoint misconfigured"],
  H24: ["Forced close", "A long-lived connection was closed after 24 h."],
  H25: ["HTTP restriction", "A request was blocked as invalid or too large."],
  H26: ["Request error", "The request was malformed."],
  H27: ["Client request interrupted", "The client closed the connection; usually harmless."],
  H28: ["Client connection idle"],
  H31: ["Misdirected request"],
  H80: ["Maintenance mode", "The app is in maintenance mode."],
  H81: ["Blank app", "No code has been deployed."],
  H82: ["Eco dyno quota exhausted"],
  H83: ["Planned service degradation"],
  H99: ["Platform error", "A Heroku-side failure: check status.heroku.com."],
  R10: ["Boot timeout", "The process did not bind $PORT within 60 s of starting."],
  R12: ["Exit timeout", "The process did not exit within 30 s of SIGTERM and was killed."],
  R13: ["Attach error"],
  R14: [
    "Memory quota exceeded (swap in use)",
    "Look for a memory leak, lower concurrency, or use a larger dyno.",
  ],
  R15: [
    "Memory quota vastly exceeded (dyno killed)",
    "The dyno used far more than its quota and was restarted.",
  ],
  R16: ["Detached"],
  R17: ["Checksum error"],
  R99: ["Platform error", "A Heroku-side failure: check status.heroku.com."],
  L10: [
    "Drain buffer overflow (log lines dropped)",
    "The drain could not keep up: charts may undercount.",
  ],
  L11: ["Tail buffer overflow (log lines dropped)"],
  L12: ["Local buffer overflow (log lines dropped)"],
  L13: ["Local delivery error"],
  L14: ["Certificate validation error"],
  L15: ["Tail buffer temporarily unavailable"],
  crashed: ["Dyno crashed", "The process exited unexpectedly; Heroku restarts it with a back-off."],
};

export function codeInfo(code: string): CodeInfo {
  const [description, advice] = CODES[code] ?? [
    code.startsWith("H")
      ? "Router error"
      : code.startsWith("R")
        ? "Runtime error"
        : code.startsWith("L")
          ? "Logging error"
          : code,
  ];
  const anchor =
    code in CODES && code !== "crashed"
      ? `#${`${code} ${description}`
          .replace(/\(.*\)/, "")
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")}`
      : "";
  return { code, description, advice: advice ?? null, href: `${ERROR_CODES_URL}${anchor}` };
}
