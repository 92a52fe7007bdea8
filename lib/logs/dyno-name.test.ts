import { describe, expect, it } from "vitest";
import { dynoTypeOf } from "./dyno-name";

describe("dynoTypeOf", () => {
  it.each([
    ["web.1", "web"],
    ["worker.12", "worker"],
    ["run.4821", "run"],
    ["scheduler.7215", "scheduler"],
    ["release.1234", "release"],
    ["sidekiq_fast-2.3", "sidekiq_fast-2"],
    ["web-1234abcde-123ab", "web"],
    ["web-abc12-xyz", "web"],
    ["big-worker-9f8e7d6c5-a1b2c", "big-worker"],
    ["router", null],
    ["api", null],
    ["logplex", null],
    ["log-shuttle", null],
    ["heroku-postgres", null],
    ["heroku-redis", null],
    ["slug-compiler", null],
    ["postgres", null],
    ["postgres.1234", null],
    ["my-cool-addon", null],
    ["web.", null],
    [".1", null],
    ["web.1a", null],
    ["w b.1", null],
    ["web", null],
    ["", null],
  ])("%s → %s", (name, type) => {
    expect(dynoTypeOf(name)).toBe(type);
  });
});
