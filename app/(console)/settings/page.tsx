import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";
import { getSettingsSummary } from "@/lib/system/queries";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  const settings = getSettingsSummary();
  const rows: [string, string][] = [
    ["Public URL (APP_URL)", settings.appUrl],
    ["Database", settings.database],
    ["Session secret", settings.authSecretFrom],
    ["Admin from ADMIN_EMAIL", settings.adminFromEnv ?? "not set"],
    [
      "Scheduler",
      settings.scheduler === "on"
        ? `in-process, every ${settings.schedulerIntervalSeconds} s`
        : "off",
    ],
    [
      "Cron endpoints",
      settings.cronSecretSet ? "enabled (CRON_SECRET set)" : "disabled (CRON_SECRET not set)",
    ],
    ["Job run retention", `${settings.jobRunsRetentionDays} days`],
  ];
  return (
    <>
      <PageHeader
        title="Settings"
        description="How this monitor is configured. Settings come from the environment; README lists each one."
      />
      <div className="grid gap-6">
        <Card title="Heroku account">
          <EmptyState title="No Heroku account connected">
            The Heroku API key, its request budget, and the drain and polling setup per app are
            shown here once an account is connected with HEROKU_API_KEY.
          </EmptyState>
        </Card>
        <Card title="Notification channels">
          <EmptyState title="No channels yet">
            Email, SMS and webhook channels with their recipients, a test send and each
            channel&apos;s cooling period are configured here.
          </EmptyState>
        </Card>
        <Card title="This monitor">
          <dl className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {rows.map(([label, value]) => (
              <div key={label} className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-3">
                <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
                <dd className="sm:col-span-2">{value}</dd>
              </div>
            ))}
          </dl>
          {user.role === "admin" && (
            <p className="mt-3 text-sm">
              Manage who can sign in on the{" "}
              <Link className="underline" href="/users">
                Users
              </Link>{" "}
              page.
            </p>
          )}
        </Card>
      </div>
    </>
  );
}
