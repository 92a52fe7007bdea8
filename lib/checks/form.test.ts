import { describe, expect, it } from "vitest";
import {
  checkEditFormSchema,
  checkFormSchema,
  checkToFormValues,
  formValuesToCheckInput,
  NEW_CHECK_VALUES,
} from "./form";
import type { CheckView } from "./schema";

const view = (overrides: Partial<CheckView>): CheckView => ({
  id: "6f1c2a34-9a2b-4c55-8d7e-0123456789ab",
  name: "Queue",
  kind: "redis",
  app: null,
  appId: null,
  enabled: true,
  intervalSeconds: 60,
  timeoutMs: 5000,
  url: null,
  secretHint: "redis://:•••@host:6379/0",
  config: { listName: "jobs", listThreshold: 50 },
  lastStatus: "up",
  lastCheckedAt: null,
  consecutiveFailures: 0,
  nextRunAt: "2026-11-24T12:00:00.000Z",
  createdAt: "2026-11-24T12:00:00.000Z",
  updatedAt: "2026-11-24T12:00:00.000Z",
  ...overrides,
});

describe("check form values", () => {
  it("turns a new web check's fields into the input the schema takes", () => {
    const parsed = checkFormSchema.safeParse({
      ...NEW_CHECK_VALUES,
      name: "Shop",
      url: "https://shop.example.com/health",
      "config.bodyText": "ok",
      "config.followRedirects": "on",
      // fields of another kind are not sent along
      "config.listName": "jobs",
    });
    expect(parsed.success && parsed.data).toEqual({
      name: "Shop",
      kind: "web",
      app: null,
      url: "https://shop.example.com/health",
      intervalSeconds: 60,
      timeoutMs: 10_000,
      enabled: true,
      config: { method: "GET", expectedStatus: "200-399", bodyText: "ok", followRedirects: true },
    });
  });

  it("reads number fields as numbers: blank is absent, other text is that field's error", () => {
    const input = formValuesToCheckInput({
      kind: "redis",
      intervalSeconds: " 30 ",
      timeoutMs: "",
      "config.listThreshold": "0x10",
    });
    expect(input).toMatchObject({ intervalSeconds: 30, timeoutMs: undefined });
    expect((input.config as Record<string, unknown>).listThreshold).toBeNaN();
    const parsed = checkFormSchema.safeParse({
      ...NEW_CHECK_VALUES,
      name: "Shop",
      url: "https://shop.example.com/health",
      intervalSeconds: "often",
    });
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["intervalSeconds", "The interval must be a number"],
    ]);
  });

  it("reads a Redis/Postgres URL from the write-only secretUrl field, never from url", () => {
    const input = formValuesToCheckInput({
      name: "Q",
      kind: "redis",
      url: "redis://ignored",
      secretUrl: " redis://:pw@host:6379/0 ",
    });
    expect(input.url).toBe("redis://:pw@host:6379/0");
  });

  it("leaves a blank secret URL out of an edit (the stored one stays), not out of a create", () => {
    expect(
      formValuesToCheckInput({ kind: "postgres", secretUrl: "" }, { keepSecret: true }),
    ).not.toHaveProperty("url");
    expect(formValuesToCheckInput({ kind: "postgres", secretUrl: "" })).toHaveProperty("url", "");
    // a web URL is never kept blank: it is not a secret
    expect(formValuesToCheckInput({ kind: "web", url: "" }, { keepSecret: true })).toHaveProperty(
      "url",
      "",
    );
  });

  it("starts an edit from the stored check with the secret URL blank", () => {
    const values = checkToFormValues(view({}));
    expect(values).toEqual({
      name: "Queue",
      kind: "redis",
      app: "",
      url: "",
      intervalSeconds: "60",
      timeoutMs: "5000",
      "config.listName": "jobs",
      "config.listThreshold": "50",
      enabled: "on",
    });
    expect(JSON.stringify(values)).not.toContain("•••");
    const edit = checkEditFormSchema.parse({ ...values, id: view({}).id, secretUrl: "" });
    expect(edit.patch).not.toHaveProperty("url");
    expect(edit.patch.config).toEqual({ listName: "jobs", listThreshold: 50 });
  });

  it("keeps a web check's URL and checkbox settings in an edit", () => {
    const values = checkToFormValues(
      view({
        kind: "web",
        url: "https://x.example/up",
        secretHint: null,
        enabled: false,
        config: { method: "HEAD", expectedStatus: "200", bodyText: null, followRedirects: true },
      }),
    );
    expect(values).toMatchObject({
      url: "https://x.example/up",
      "config.method": "HEAD",
      "config.followRedirects": "on",
    });
    expect(values).not.toHaveProperty("enabled");
    expect(values).not.toHaveProperty("config.bodyText");
  });
});
