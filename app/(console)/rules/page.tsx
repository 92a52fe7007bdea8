import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Rules" };

export default async function RulesPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Rules"
        description="What we watch for: error codes, 5xx rate, memory against quota, load, crashes and silence."
      />
      <Card>
        <EmptyState title="No rules yet">
          A rule names an error code or a threshold, a dyno type, who to tell and what to restart;
          for example: alert when R14 happens 3 times in 5 minutes on shop-prod web, and restart the
          dyno. Rules can be written once apps are synced.
        </EmptyState>
      </Card>
    </>
  );
}
