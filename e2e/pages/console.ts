import { expect, type Page } from "@playwright/test";

export const admin = {
  name: "Ada Admin",
  email: "ada@example.com",
  password: "correct horse battery",
};
export const viewer = {
  name: "Victor Viewer",
  email: "victor@example.com",
  password: "viewer password 1",
};

export class SignInPage {
  constructor(private readonly page: Page) {}

  async goto(path = "/sign-in") {
    await this.page.goto(path);
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }
}

export class ConsoleShell {
  constructor(private readonly page: Page) {}

  nav() {
    return this.page.getByRole("navigation", { name: "Main" }).first();
  }

  async expectSignedInAs(name: string) {
    await expect(this.page.getByText(name, { exact: true }).first()).toBeVisible();
    for (const label of [
      "Overview",
      "Apps",
      "Incidents",
      "Rules",
      "Checks",
      "Activity",
      "Settings",
      "System",
    ]) {
      await expect(this.nav().getByRole("link", { name: label, exact: true })).toBeVisible();
    }
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out" }).first().click();
    await this.page.waitForURL(/\/sign-in/);
  }
}
