import { expect, test } from "@playwright/test";
import { admin, ConsoleShell, SignInPage, viewer } from "./pages/console";

// One story on a fresh database: first-run setup, signing in and out, and what each role may see.
test.describe
  .serial("first run, sign-in and roles", () => {
    test("a first visit is led to the one-time setup page", async ({ page }) => {
      await page.goto("/");
      await expect(page).toHaveURL(/\/setup$/);
      await expect(page.getByRole("heading", { name: "Create the first admin" })).toBeVisible();
    });

    test("setup shows which field is wrong", async ({ page }) => {
      await page.goto("/setup");
      await page.getByLabel("Your name").fill("Ada Admin");
      await page.getByLabel("Email").fill("not-an-email");
      await page.getByLabel("Password", { exact: true }).fill("short");
      await page.getByLabel("Confirm password").fill("different");
      await page.getByRole("button", { name: "Create the admin account" }).click();
      await expect(page.getByText("Enter a valid email address")).toBeVisible();
      await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
      await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    });

    test("setup creates the admin and opens the console", async ({ page }) => {
      await page.goto("/setup");
      await page.getByLabel("Your name").fill(admin.name);
      await page.getByLabel("Email").fill(admin.email);
      await page.getByLabel("Password", { exact: true }).fill(admin.password);
      await page.getByLabel("Confirm password").fill(admin.password);
      await page.getByRole("button", { name: "Create the admin account" }).click();
      await expect(page).toHaveURL(/\/$/);
      await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
      await new ConsoleShell(page).expectSignedInAs(admin.name);
      await expect(page.getByRole("heading", { name: "Open incidents" })).toBeVisible();
    });

    test("the setup page is gone once an admin exists", async ({ page }) => {
      await page.goto("/setup");
      await expect(page).toHaveURL(/\/sign-in$/);
    });

    test("anonymous visitors are refused: pages redirect, the API answers 401", async ({
      page,
      request,
    }) => {
      await page.goto("/system");
      await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsystem$/);
      const api = await request.get("/api/me");
      expect(api.status()).toBe(401);
      expect(await api.json()).toMatchObject({ error: { code: "unauthorized" } });
      const cron = await request.get("/api/cron/tick");
      expect(cron.status()).toBe(401);
    });

    test("a wrong password is refused; the right one returns to the page asked for", async ({
      page,
    }) => {
      const signIn = new SignInPage(page);
      await page.goto("/system");
      await signIn.signIn(admin.email, "wrong password");
      await expect(
        page.getByRole("alert").filter({ hasText: "The email or password is wrong." }),
      ).toBeVisible();
      await expect(page.getByLabel("Email")).toHaveValue(admin.email);
      await signIn.signIn(admin.email, admin.password);
      await expect(page).toHaveURL(/\/system$/);
      await expect(page.getByRole("heading", { name: "System", level: 1 })).toBeVisible();
    });

    test("the System page lists the jobs and their runs, and an admin can run one now", async ({
      page,
    }) => {
      await new SignInPage(page).goto("/sign-in?callbackUrl=/system");
      await new SignInPage(page).signIn(admin.email, admin.password);
      await expect(page.getByRole("cell", { name: /prune-job-runs/ }).first()).toBeVisible();
      await page.getByRole("button", { name: "Run prune-job-runs now" }).click();
      await expect(
        page.getByRole("status").filter({ hasText: /^ok, \d+ processed$/ }),
      ).toBeVisible();
      await page.reload();
      await expect(
        page.getByRole("table", { name: "Recent job runs" }).getByText("manual").first(),
      ).toBeVisible();
    });

    test("an admin adds a viewer, with field errors for a bad form", async ({ page }) => {
      await new SignInPage(page).goto("/sign-in?callbackUrl=/users");
      await new SignInPage(page).signIn(admin.email, admin.password);
      await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
      await page.getByLabel("Name").fill(viewer.name);
      await page.getByLabel("Email").fill(admin.email);
      await page.getByLabel("Initial password").fill(viewer.password);
      await page.getByRole("button", { name: "Add user" }).click();
      await expect(page.getByText("A user with this email already exists.").first()).toBeVisible();
      await page.getByLabel("Email").fill(viewer.email);
      await page.getByLabel("Initial password").fill(viewer.password);
      await page.getByLabel("Role", { exact: true }).selectOption("viewer");
      await page.getByRole("button", { name: "Add user" }).click();
      await expect(page.getByText(`Added ${viewer.email}.`)).toBeVisible();
      await expect(
        page.getByRole("table", { name: "Users" }).getByText(viewer.email, { exact: true }),
      ).toBeVisible();
      await new ConsoleShell(page).signOut();
    });

    test("a viewer signs in, sees no admin links and cannot open the user admin page", async ({
      page,
    }) => {
      await new SignInPage(page).goto();
      await new SignInPage(page).signIn(viewer.email, viewer.password);
      await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
      await new ConsoleShell(page).expectSignedInAs(viewer.name);
      await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
      const response = await page.goto("/users");
      expect(response?.status()).toBe(403);
      await expect(
        page.getByRole("heading", { name: "Your role cannot open this page" }),
      ).toBeVisible();
      await expect(page.getByRole("button", { name: /Run .* now/ })).toHaveCount(0);
    });

    test("signing out ends the session", async ({ page }) => {
      await new SignInPage(page).goto();
      await new SignInPage(page).signIn(admin.email, admin.password);
      await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
      await new ConsoleShell(page).signOut();
      await page.goto("/activity");
      await expect(page).toHaveURL(/\/sign-in/);
    });

    test("the Activity page shows sign-ins and user changes with who did them", async ({
      page,
    }) => {
      await new SignInPage(page).goto("/sign-in?callbackUrl=/activity");
      await new SignInPage(page).signIn(admin.email, admin.password);
      const table = page.getByRole("table", { name: "Activity" });
      await expect(
        table.getByRole("row", { name: new RegExp(`added user ${viewer.email}`) }),
      ).toBeVisible();
      await expect(table.getByRole("row", { name: /failed sign-in/ }).first()).toBeVisible();
    });
  });
