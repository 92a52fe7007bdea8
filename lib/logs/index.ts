// The log parser: Heroku log lines and drain bodies → typed events. Pure: no I/O, no clock, and
// malformed input gives an `unknown` event or a bad-frame count, never an exception.
export { parseLogfmt } from "./logfmt";
export type { DrainBody } from "./parse-drain-body";
export { parseDrainBody } from "./parse-drain-body";
export { parseLogLine } from "./parse-line";
export { cutDrainSecrets, mayHoldDrainSecret } from "./secrets";
export { storableText, truncateText } from "./storable";
export type * from "./types";
