// The rule editor rendered on the server: its threshold fields follow the kind, its target selects
// follow the app, and the backtest slot shows what the page puts in it.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RuleForm } from "@/components/rules/rule-form";
import { NEW_RULE_VALUES, PARAM_DEFAULTS } from "@/lib/rules/form";
import { RULE_KINDS } from "@/lib/rules/schema";

const apps = [
  {
    name: "shop-prod",
    dynoTypes: ["web", "worker"],
    dynos: ["web.1", "web.2", "worker.1"].map((name) => ({ name, type: name.split(".")[0] ?? "" })),
  },
  { name: "blog", dynoTypes: ["web"], dynos: [{ name: "web.1", type: "web" }] },
];

function render(initial: Record<string, string>, backtest?: string) {
  return renderToString(
    createElement(RuleForm, {
      action: async () => ({ ok: true as const, data: undefined }),
      initial,
      apps,
      submitLabel: "Create rule",
      backtest: backtest ? createElement("p", null, backtest) : undefined,
    }),
  );
}

const paramNames = (html: string) =>
  [...html.matchAll(/name="params\.(\w+)"/g)].map((match) => match[1]).sort();

describe("RuleForm", () => {
  it.each(RULE_KINDS)("shows the %s kind's threshold fields only", (kind) => {
    const params = Object.fromEntries(
      Object.entries(PARAM_DEFAULTS[kind]).map(([key, value]) => [`params.${key}`, value]),
    );
    const html = render({ ...NEW_RULE_VALUES, kind, ...params });
    expect(paramNames(html)).toEqual(Object.keys(PARAM_DEFAULTS[kind]).sort());
  });

  it("offers the chosen app's dyno types and dynos of the chosen type", () => {
    const html = render({ ...NEW_RULE_VALUES, app: "shop-prod", dynoType: "web", dyno: "web.2" });
    const dynoSelect = html.slice(
      html.indexOf('name="dyno"'),
      html.indexOf("</select>", html.indexOf('name="dyno"')),
    );
    expect(dynoSelect).toContain('<option value="web.2" selected="">');
    expect(dynoSelect).not.toContain("worker.1");
    expect(html).toContain('<option value="worker">worker</option>');
  });

  it("offers email, SMS and webhooks as channels, email checked for a new rule", () => {
    const html = render(NEW_RULE_VALUES);
    expect(html).toMatch(/id="field-channels-email" type="checkbox"[^>]* checked=""/);
    expect(html).toMatch(
      /id="field-channels-sms" type="checkbox" class="[^"]*" name="channels.sms"\/>/,
    );
    expect(html).toMatch(
      /id="field-channels-webhook" type="checkbox" class="[^"]*" name="channels.webhook"\/>/,
    );
    expect(html).not.toContain("coming soon");
  });

  it("summarises the rule in plain words and renders the backtest slot", () => {
    const html = render(
      { ...NEW_RULE_VALUES, app: "shop-prod", dynoType: "web", action: "restart_dyno" },
      "backtest goes here",
    );
    expect(html).toContain(
      "When R14 at least 3× in 300 s on shop-prod web: email; restart the dyno that breached.",
    );
    expect(html).toMatch(/data-slot="backtest"><p>backtest goes here<\/p>/);
  });
});
