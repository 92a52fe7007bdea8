import { describe, expect, it } from "vitest";
import { scanLog, secretForms } from "./log-scan";

const drainId = "3c9881fb-085f-4b66-83e1-a76c4e8bd38f";
const drainSecret = "32U0wdH_Toctcc2mAendyB7Nq_FzspOV";
const planted = [
  { name: "drain secret", value: drainSecret },
  { name: "check credential", value: "ck-p@ss/w0rd+x" },
];

describe("scanLog", () => {
  it.each([
    ["a clean line", `{"level":"info","msg":"database ready","driver":"postgres"}`, []],
    [
      "the old drain path with its secret",
      `{"msg":"unhandled error","path":"/api/drains/${drainId}.${drainSecret}"}`,
      ["planted drain secret", "drain secret in a path"],
    ],
    ["a cut drain path", `{"path":"/api/drains/${drainId}.***"}`, []],
    [
      "a percent-encoded planted value",
      `{"url":"postgres://checker:${encodeURIComponent("ck-p@ss/w0rd+x")}@db:5432/app"}`,
      ["planted check credential", "password in a URL"],
    ],
    ["a masked URL password", `{"url":"postgres://checker:***@db:5432/app"}`, []],
    ["a URL without a password", `{"url":"postgres://postgres@127.0.0.1:5432/x"}`, []],
    [
      "drizzle's failed query text",
      `{"message":"Failed query: select 1 where a = $1\\nparams: secret-ish"}`,
      ["SQL parameters"],
    ],
    ["drizzle's text with its values cut", `{"message":"Failed query: select 1 params: ***"}`, []],
    [
      "drizzle's values that start like a cut",
      `{"message":"Failed query: select 1 params: ***secret,2"}`,
      ["SQL parameters"],
    ],
    ["a field named params", `{"params":{"job":"tick"}}`, []],
    [
      "a password hash",
      `{"detail":"scrypt$32768$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo"}`,
      ["password hash"],
    ],
    ["an API token", `{"auth":"dm_${"a".repeat(43)}"}`, ["API token"]],
    [
      "Basic credentials",
      `{"authorization":"Basic ZHJhaW46c2VjcmV0LXZhbHVl"}`,
      ["Basic credentials"],
    ],
    ["a redacted bearer", `{"authorization":"Bearer ***"}`, []],
    ["a bearer token", `{"h":"Bearer abcdefghijklmnopqrstuvwxyz"}`, ["bearer token"]],
  ])("%s", (_name, line, rules) => {
    expect(scanLog("x.log", line, planted).map((leak) => leak.rule)).toEqual(rules);
  });

  it("reports the line number and never repeats the secret in the excerpt", () => {
    const text = `first\n{"path":"/api/drains/${drainId}.${drainSecret}","again":"${drainSecret}"}\n`;
    const leaks = scanLog("x.log", text, planted);
    expect(leaks.map((leak) => leak.line)).toEqual([2, 2]);
    for (const leak of leaks) expect(leak.excerpt).not.toContain(drainSecret);
  });
});

describe("secretForms", () => {
  it.each([
    ["plain-value-1234", ["plain-value-1234"]],
    ["a/b+c@d=e-1234", ["a/b+c@d=e-1234", "a%2Fb%2Bc%40d%3De-1234"]],
    ['quote"back\\slash', ['quote"back\\slash', "quote%22back%5Cslash", 'quote\\"back\\\\slash']],
    ["short", []],
  ])("%s travels as %j", (value, forms) => {
    expect(secretForms(value)).toEqual(forms);
  });
});
