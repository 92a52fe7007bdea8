import type { Metadata } from "next";
import { CheckForm } from "@/components/checks/check-form";
import { PageHeader } from "@/components/layout/page-header";
import { listApps } from "@/lib/apps/queries";
import { requireAdmin } from "@/lib/auth/guards";
import { NEW_CHECK_VALUES } from "@/lib/checks/form";
import { createCheckAction } from "../actions";

export const metadata: Metadata = { title: "New check" };

export default async function NewCheckPage() {
  await requireAdmin();
  const apps = await listApps();
  return (
    <>
      <PageHeader
        title="New check"
        description="A URL that must answer, a Redis whose queue must stay short, or a Postgres whose table must exist."
      />
      <CheckForm
        action={createCheckAction}
        initial={NEW_CHECK_VALUES}
        apps={apps.map((app) => app.name)}
        submitLabel="Create check"
      />
    </>
  );
}
