import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Incidents"
        description="What fired, what we did about it, and whether it helped."
      />
      <Card>
        <EmptyState title="No incidents yet">
          An incident opens when a rule breaches (for example R14 three times in five minutes on
          web), repeats while it keeps firing and resolves when the errors stop. Create rules on the
          Rules page.
        </EmptyState>
      </Card>
    </>
  );
}
