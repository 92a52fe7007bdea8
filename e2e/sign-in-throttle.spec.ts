import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { admin, SignInPage } from "./pages/console";

// Through the real server (npm start): forged X-Forwarded-For and peer headers do not spread one
// client's failures over made-up addresses, a refusal says how long it lasts, and it locks out
// only that email from this address.
test("a refused email says for how long, whatever the client claims to be, and nobody else is locked out", async ({
  page,
}) => {
  // seven password checks (scrypt) on a busy machine
  test.setTimeout(120_000);
  const signIn = new SignInPage(page);
  // a fresh form each time: the previous answer's message must not pass for this one's
  const attempt = async (email: string, password: string) => {
    await signIn.goto();
    await signIn.signIn(email, password);
  };
  const email = `nobody-${randomBytes(4).toString("hex")}@example.com`;
  for (let i = 1; i <= 5; i++) {
    await page.setExtraHTTPHeaders({
      "X-Forwarded-For": `192.0.2.${i}`,
      "X-Dyno-Monitor-Peer": `198.51.100.${i}`,
      "X-Real-IP": `203.0.113.${i}`,
    });
    await attempt(email, "wrong password");
    await expect(
      page.getByRole("alert").filter({ hasText: "The email or password is wrong." }),
    ).toBeVisible();
  }
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": "192.0.2.200" });
  await attempt(email, "wrong password");
  await expect(
    page.getByRole("alert").filter({
      hasText:
        /^Too many failed sign-ins for this email from your address\. Try again in 1[45] minutes/,
    }),
  ).toBeVisible();

  await page.setExtraHTTPHeaders({});
  await attempt(admin.email, admin.password);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
});
