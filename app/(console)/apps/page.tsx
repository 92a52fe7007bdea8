import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Apps" };

export default async function AppsPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Apps"
        description="What we watch: every app of the Heroku account with its dyno types, sizes, counts and states, and how its logs reach us."
      />
      <Card>
        <EmptyState title="No apps yet">
          Apps, their dyno types (web, worker...), sizes and dyno states appear here after the
          Heroku account is synced. Connect the account on the Settings page with a Heroku API key;
          discovery then keeps the list in sync.
        </EmptyState>
      </Card>
    </>
  );
}
