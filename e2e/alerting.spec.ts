import { expect, type Page, test } from "@playwright/test";
import { signInAsAdmin } from "./pages/apps";

// The reason Dyno Monitor exists, end to end in demo mode: an R14 rule that restarts the dyno, a
// memory leak on web.2, the incident, the email in the outbox, one restart, memory back down, the
// incident resolving with a resolved email, and the restart judged helpful. playwright.config.ts
// shortens the time constants (repeat, cooling, "helped" delays) so this takes a few minutes.

const SUBJECT = "[Dyno Monitor] R14 on shop-prod web.2";

async function until(page: Page, path: string, check: () => Promise<void>, timeout: number) {
  await expect(async () => {
    await page.goto(path);
    await check();
  }).toPass({ timeout, intervals: [3000] });
}

test("an R14 rule restarts the leaking dyno once, emails, resolves, and the restart helped", async ({
  page,
}) => {
  test.setTimeout(8 * 60_000);
  await signInAsAdmin(page, "/rules/new");

  // the rule: R14 twice within two minutes on shop-prod's web dynos → restart that dyno
  await page.getByLabel("Name").fill("R14 on shop-prod web");
  await page.getByLabel("Kind").selectOption("error_code");
  await page.getByLabel("Error code").fill("R14");
  await page.getByLabel("Least count").fill("2");
  await page.getByLabel("Window (seconds)").fill("120");
  await page.getByLabel("App", { exact: true }).selectOption("shop-prod");
  await page.getByLabel("Dyno type").selectOption("web");
  await page.getByLabel("When it fires").selectOption("restart_dyno");
  await page.getByRole("button", { name: "Create rule" }).click();
  await page.waitForURL((url) => url.pathname === "/rules");
  await expect(page.getByRole("link", { name: "R14 on shop-prod web" })).toBeVisible();

  // the leak: fast, and over by itself after a minute (the restart must still be what fixes it)
  await page.goto("/apps");
  await page.getByLabel("App", { exact: true }).selectOption("shop-prod");
  await page.getByLabel("Dyno or type").selectOption("web.2");
  await page.getByLabel("Scenario", { exact: true }).selectOption("memory-leak");
  await page.getByLabel("Percent per minute").fill("100");
  await page.getByLabel("Duration seconds").fill("60");
  await page.getByRole("button", { name: "Start scenario" }).click();
  await expect(page.getByText("Scenario started")).toBeVisible();

  // the incident opens, firing, on web.2
  const incidents = page.getByRole("table", { name: "Incidents" });
  await until(
    page,
    "/incidents",
    async () => {
      await expect(incidents.getByRole("row", { name: /web\.2/ }).first()).toContainText(
        /firing/i,
        { timeout: 1000 },
      );
    },
    150_000,
  );
  await incidents
    .getByRole("row", { name: /web\.2/ })
    .first()
    .getByRole("link")
    .first()
    .click();
  await expect(page.getByText("Restarted web.2.").first()).toBeVisible();
  const incidentUrl = page.url();

  // the alert email, kept in the outbox (no RESEND_API_KEY in demo mode)
  await page.goto("/outbox");
  await expect(page.getByRole("table", { name: "Notifications" })).toContainText(SUBJECT);

  // exactly one restart performed and audited
  await page.goto("/activity?tab=restarts");
  const restarts = page.getByRole("table", { name: "Restarts" });
  await expect(
    restarts
      .getByRole("row")
      .filter({ hasText: "web.2" })
      .filter({ hasText: /performed/i }),
  ).toHaveCount(1);

  // memory back down after the restart: before → +5 min measure (shortened here)
  await until(
    page,
    "/activity?tab=restarts",
    async () => {
      const row = restarts
        .getByRole("row")
        .filter({ hasText: "web.2" })
        .filter({ hasText: /performed/i });
      const memory = (await row.getByText(/%\s*→/).first().textContent({ timeout: 1000 })) ?? "";
      const [before, after] = [...memory.matchAll(/([\d.]+)\s*%/g)].map((m) => Number(m[1]));
      expect(before).toBeGreaterThan(90);
      expect(after).toBeLessThan(before ?? 0);
    },
    120_000,
  );

  // the incident resolves once the R14s have left the window, with a resolved email
  await until(
    page,
    incidentUrl,
    async () => {
      await expect(page.getByText("resolved", { exact: true }).first()).toBeVisible({
        timeout: 1000,
      });
    },
    240_000,
  );
  await until(
    page,
    "/outbox",
    async () => {
      await expect(page.getByRole("table", { name: "Notifications" })).toContainText(
        "[Dyno Monitor] Resolved: R14 on shop-prod web.2",
        { timeout: 1000 },
      );
    },
    60_000,
  );

  // and the restart is judged: it helped
  await until(
    page,
    "/activity?tab=restarts",
    async () => {
      const row = restarts
        .getByRole("row")
        .filter({ hasText: "web.2" })
        .filter({ hasText: /performed/i });
      await expect(row).toContainText("helped", { timeout: 1000 });
      await expect(row).not.toContainText("did not help");
    },
    120_000,
  );
});
