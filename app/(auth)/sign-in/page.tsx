import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card } from "@/components/ui/card";
import { hasAnyUser, isSignedIn } from "@/lib/auth/queries";
import { signInAction } from "../actions";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (!(await hasAnyUser())) redirect("/setup");
  if (await isSignedIn()) redirect("/");
  const { callbackUrl } = await searchParams;
  const target =
    typeof callbackUrl === "string" && callbackUrl.startsWith("/") && !callbackUrl.startsWith("//")
      ? callbackUrl
      : "/";
  return (
    <Card title="Sign in" description="Use the account an admin gave you.">
      <SignInForm action={signInAction} callbackUrl={target} />
    </Card>
  );
}
