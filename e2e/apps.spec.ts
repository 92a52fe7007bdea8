import { expect, test } from "@playwright/test";
import { AppsPage, signInAsAdmin } from "./pages/apps";

// Demo mode: with no HEROKU_API_KEY the console watches the built-in simulator's demo account.
test.describe("apps of the demo account", () => {
  test("the demo account's apps, dyno types and dynos are listed, with a demo banner", async ({
    page,
  }) => {
    await signInAsAdmin(page, "/apps");
    await expect(page.getByRole("note").filter({ hasText: "Demo data." })).toBeVisible();
    const apps = new AppsPage(page);
    for (const name of ["shop-prod", "shop-staging", "billing-api"]) {
      await expect(page.getByRole("link", { name, exact: true })).toBeVisible({ timeout: 30_000 });
    }
    const shop = apps.dynoTable("shop-prod");
    await expect(shop.getByRole("cell", { name: "web", exact: true })).toBeVisible();
    await expect(shop.getByText("web.1 up")).toBeVisible();
    await expect(shop.getByRole("cell", { name: "512 MB" })).toBeVisible();
    await expect(
      page.getByText("heroku labs:enable log-runtime-metrics -a shop-staging"),
    ).toBeVisible();
  });

  test("Sync now shows the result of the sync", async ({ page }) => {
    await signInAsAdmin(page, "/apps");
    await new AppsPage(page).syncNow();
    await expect(
      page.getByRole("status").filter({ hasText: /Synced: 3 apps, \d+ dynos, \d+ API calls/ }),
    ).toBeVisible();
  });

  test("an app's page shows its dyno types and dynos", async ({ page }) => {
    await signInAsAdmin(page, "/apps");
    await page.getByRole("link", { name: "billing-api", exact: true }).click();
    await expect(page.getByRole("heading", { name: "billing-api", level: 1 })).toBeVisible();
    const dynos = page.getByRole("table", { name: "Dynos of billing-api" });
    await expect(dynos.getByRole("cell", { name: "web.1" })).toBeVisible();
    await expect(dynos.getByRole("cell", { name: "Performance-M" }).first()).toBeVisible();
  });

  test("an admin starts and stops a demo scenario, and the Activity page records it", async ({
    page,
  }) => {
    await signInAsAdmin(page, "/apps");
    await page.getByLabel("App", { exact: true }).selectOption("shop-prod");
    await page.getByLabel("Dyno or type").selectOption("web.1");
    await page.getByLabel("Scenario", { exact: true }).selectOption("memory-leak");
    await page.getByRole("button", { name: "Start scenario" }).click();
    await expect(page.getByText("Scenario started")).toBeVisible();
    const stop = page.getByRole("button", { name: "Stop memory-leak on shop-prod" });
    await expect(stop).toBeVisible();
    await stop.click();
    await expect(stop).toHaveCount(0);
    await page.goto("/activity");
    await expect(
      page.getByRole("row", { name: /started a demo scenario on shop-prod web\.1/ }),
    ).toBeVisible();
  });

  test("an app's page shows live charts from the drain: memory against the quota, requests", async ({
    page,
  }) => {
    test.setTimeout(150_000);
    await signInAsAdmin(page, "/apps/shop-prod?range=1h");
    await expect(page.getByRole("link", { name: "1 h" })).toHaveAttribute("aria-current", "page");
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("chart-memory-web")).toBeVisible({ timeout: 2000 });
      await expect(page.getByTestId("chart-requests")).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 90_000, intervals: [3000] });
    await expect(page.getByTestId("chart-memory-web")).toContainText("quota 512 MB");
    await expect(
      page.getByText(/updated .* refreshes every 15 s|paused while you read/),
    ).toBeVisible();
  });

  test("an admin rotates an app's log drain, sees the heroku drains:add command once, and revokes the old token", async ({
    page,
  }) => {
    test.setTimeout(90_000);
    await signInAsAdmin(page, "/apps/shop-staging");
    const intake = page.getByRole("region", { name: "Log intake" });
    await expect(intake.getByText("log drain (push)", { exact: true })).toBeVisible({
      timeout: 30_000,
    });
    await intake.getByRole("button", { name: "Rotate the log drain of shop-staging" }).click();
    // the secret travels as URL credentials (Basic auth), never in the path
    await expect(
      intake.getByText(
        /^heroku drains:add http:\/\/drain:[\w-]+@localhost:\d+\/api\/drains\/[0-9a-f-]{36} -a shop-staging$/,
      ),
    ).toBeVisible();
    // the replaced URL lives out a grace period unless an admin stops it
    await intake.getByRole("button", { name: "Revoke old token now" }).click();
    await expect(
      intake.getByText("The old drain URL of shop-staging no longer works."),
    ).toBeVisible();
    await page.goto("/activity");
    await expect(
      page.getByRole("row", { name: /revoked the old log drain token of shop-staging/ }),
    ).toBeVisible();
  });
});
