import { expect, type Page, test } from "@playwright/test";
import Redis from "ioredis";
import postgres from "postgres";
import { signInAsAdmin } from "./pages/apps";

// Status checks in demo mode against the machine's real Redis and Postgres: a web check, a Redis
// check with a list threshold and a Postgres check with a table go red and green; a "check
// failing" rule opens an incident whose SMS and webhook notices land in the outbox.

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const POSTGRES_URL = process.env.E2E_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const suffix = Date.now().toString(36);
const LIST = `dm-e2e:queue:${suffix}`;
const TABLE = `dm_e2e_${suffix}`;

async function addCheck(page: Page, fields: Record<string, string>, kind: string) {
  await page.goto("/checks/new");
  await page.getByLabel("Kind").selectOption(kind);
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  await page.getByRole("button", { name: "Create check" }).click();
  await page.waitForURL(/\/checks\/[0-9a-f-]{36}/);
  return page.url();
}

async function expectStatus(page: Page, url: string, status: "up" | "down", reason?: RegExp) {
  await expect(async () => {
    await page.goto(url);
    // the badge's title says what the word means
    const title = status === "up" ? "The last run passed." : /The last run failed/;
    await expect(page.getByTitle(title).first()).toBeVisible({ timeout: 1000 });
    if (reason) await expect(page.getByText(reason).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 90_000, intervals: [3000] });
}

test("checks go red and green, and a failing check alerts by SMS and webhook", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(6 * 60_000);
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const sql = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    await redis.connect();
    await sql`select 1`;
  } catch (error) {
    test.skip(!process.env.CI, `Redis or Postgres is not running here: ${String(error)}`);
    throw error;
  }
  try {
    await signInAsAdmin(page, "/checks");

    const web = await addCheck(
      page,
      {
        Name: "console health",
        URL: `${baseURL}/api/health`,
        "Every (seconds)": "15",
        "Timeout (ms)": "3000",
      },
      "web",
    );
    await expectStatus(page, web, "up");

    const queue = await addCheck(
      page,
      {
        Name: "jobs queue",
        "Redis URL": REDIS_URL,
        "List to measure (optional)": LIST,
        "Longest allowed": "5",
        "Every (seconds)": "15",
        "Timeout (ms)": "3000",
      },
      "redis",
    );
    await expectStatus(page, queue, "up");

    const database = await addCheck(
      page,
      {
        Name: "orders database",
        "Postgres URL": POSTGRES_URL,
        "Table that must exist (optional)": TABLE,
        "Every (seconds)": "15",
        "Timeout (ms)": "3000",
      },
      "postgres",
    );
    await expectStatus(page, database, "down", /table missing/i);
    await sql.unsafe(`create table "${TABLE}" (id int)`);
    await expectStatus(page, database, "up");

    // a webhook endpoint for the alerts (it answers 405: the delivery is recorded as failed)
    await page.goto("/settings");
    const webhooks = page.getByRole("region", { name: "Webhooks" });
    await webhooks.getByLabel("Name").fill("e2e hook");
    await webhooks.getByLabel("URL").fill(`${baseURL}/api/health`);
    await webhooks.getByRole("button", { name: /add webhook/i }).click();
    await expect(page.getByText(/Copy the signing secret now/)).toBeVisible();

    // the rule: the queue check failing twice in a row → email, SMS and webhooks
    await page.goto("/rules/new");
    await page.getByLabel("Name").fill("jobs queue too long");
    await page.getByLabel("Kind").selectOption("check_failing");
    await page.getByLabel("Status check").selectOption({ label: "jobs queue" });
    await page.getByLabel("Consecutive failures").fill("2");
    await page.getByLabel(/^SMS/).check();
    await page.getByLabel(/^Webhooks/).check();
    await page.getByLabel("Recipients", { exact: true }).fill("+41790000000");
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.waitForURL((url) => url.pathname === "/rules");

    // the queue backs up: red, with the reason, then an incident
    await redis.rpush(LIST, ...Array.from({ length: 10 }, (_, i) => `job-${i}`));
    await expectStatus(page, queue, "down", /list too long/i);
    await expect(async () => {
      await page.goto("/incidents");
      await expect(
        page.getByRole("table", { name: "Incidents" }).getByText("jobs queue too long").first(),
      ).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 90_000, intervals: [3000] });

    // both notices recorded in the outbox
    await expect(async () => {
      await page.goto("/outbox");
      const outbox = page.getByRole("table", { name: "Notifications" });
      await expect(outbox.getByText("+41790000000").first()).toBeVisible({ timeout: 1000 });
      await expect(outbox.getByText("e2e hook").first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 60_000, intervals: [3000] });

    // drained: green again
    await redis.del(LIST);
    await expectStatus(page, queue, "up");
  } finally {
    await redis.del(LIST).catch(() => {});
    await sql.unsafe(`drop table if exists "${TABLE}"`).catch(() => {});
    redis.disconnect();
    await sql.end();
  }
});
