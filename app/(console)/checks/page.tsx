import type { Metadata } from "next";
import Link from "next/link";
import { CheckTable } from "@/components/checks/check-table";
import { FailureList } from "@/components/checks/failure-list";
import { PageHeader } from "@/components/layout/page-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";
import { getChecksOverview } from "@/lib/checks/queries";
import { toggleCheckAction } from "./actions";

export const metadata: Metadata = { title: "Checks" };

export default async function ChecksPage() {
  const user = await requireUser();
  const isAdmin = user.role === "admin";
  const { checks, failures } = await getChecksOverview();
  const newCheck = (
    <Link href="/checks/new" className={buttonClasses()}>
      New check
    </Link>
  );
  const down = checks.filter((c) => c.enabled && c.lastStatus === "down").length;
  return (
    <>
      <PageHeader
        title="Checks"
        description="Are our dependencies up? Web endpoints, Redis and Postgres, each at its own frequency and timeout."
        actions={
          <>
            {checks.length > 0 && <AutoRefresh />}
            {isAdmin && checks.length > 0 && newCheck}
          </>
        }
      />
      {checks.length === 0 ? (
        <Card>
          <EmptyState title="No status checks yet" action={isAdmin ? newCheck : undefined}>
            Checks keep looking at the services your apps depend on: a URL that must answer 2xx, a
            Redis whose queue must stay short, a Postgres whose table must exist. Their uptime,
            response times and last failure reason appear here.{" "}
            {isAdmin ? "" : "Ask an admin to add one."}
          </EmptyState>
        </Card>
      ) : (
        <div className="grid grid-cols-1 gap-6">
          <Card
            title={`${checks.length} ${checks.length === 1 ? "check" : "checks"}`}
            description={
              down > 0
                ? `${down} down now: the reason is under its name.`
                : "Every enabled check passed its last run, or has not run yet."
            }
          >
            <CheckTable checks={checks} toggle={isAdmin ? toggleCheckAction : undefined} />
          </Card>
          <Card
            title="Recent failures"
            description="The latest failed runs of every check, with the reason."
          >
            <FailureList failures={failures} />
          </Card>
        </div>
      )}
    </>
  );
}
