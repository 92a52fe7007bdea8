import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { Card } from "@/components/ui/card";
import { hasAnyUser, isSetupTokenRequired } from "@/lib/auth/queries";
import { setupAction } from "../actions";

export const metadata: Metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (await hasAnyUser()) redirect("/sign-in");
  const needsToken = isSetupTokenRequired();
  return (
    <Card
      title="Create the first admin"
      description={
        needsToken
          ? "No account exists yet. To prove you run this install, paste the setup token that the release phase printed (Heroku: Activity → the release's log, or `heroku releases:output`). Or set ADMIN_EMAIL and ADMIN_PASSWORD and restart."
          : "No account exists yet. This page works once: the admin you create here can add everyone else."
      }
    >
      <SetupForm action={setupAction} needsToken={needsToken} />
    </Card>
  );
}
