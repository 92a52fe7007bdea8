import { expect, type Page } from "@playwright/test";
import { admin, SignInPage } from "./console";

export async function signInAsAdmin(page: Page, path = "/") {
  await new SignInPage(page).goto(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  await new SignInPage(page).signIn(admin.email, admin.password);
  const pathname = path.split("?")[0];
  await page.waitForURL((url) => url.pathname === pathname);
}

export class AppsPage {
  constructor(private readonly page: Page) {}

  appCard(name: string) {
    return this.page
      .getByRole("region")
      .filter({ has: this.page.getByRole("link", { name, exact: true }) });
  }

  dynoTable(app: string) {
    return this.page.getByRole("table", { name: `Dyno types of ${app}` });
  }

  async syncNow() {
    await this.page.getByRole("button", { name: "Sync now" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: /^Synced: / })).toBeVisible({
      timeout: 30_000,
    });
  }
}
