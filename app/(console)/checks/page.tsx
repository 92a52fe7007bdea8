import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Checks" };

export default async function ChecksPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Checks"
        description="Are our dependencies up? Web endpoints, Redis and Postgres, each at its own frequency and timeout."
      />
      <Card>
        <EmptyState title="No status checks yet">
          Checks keep looking at the services your apps depend on: a URL that must answer 2xx, a
          Redis whose queue must stay short, a Postgres whose table must exist. Their uptime,
          response times and last failure reason appear here.
        </EmptyState>
      </Card>
    </>
  );
}
