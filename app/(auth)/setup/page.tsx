import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { Card } from "@/components/ui/card";
import { hasAnyUser } from "@/lib/auth/queries";
import { setupAction } from "../actions";

export const metadata: Metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (await hasAnyUser()) redirect("/sign-in");
  return (
    <Card
      title="Create the first admin"
      description="No account exists yet. This page works once: the admin you create here can add everyone else."
    >
      <SetupForm action={setupAction} />
    </Card>
  );
}
