import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { getHerokuStatus } from "@/lib/apps/queries";
import type { ApiTokenSummary } from "@/lib/auth/api-tokens";
import { requireUser } from "@/lib/auth/guards";
import { getApiTokens } from "@/lib/auth/queries";
import type { UserActor } from "@/lib/context";
import { describeAppUrl } from "@/lib/settings/app-url";
import { getAppUrlStatus } from "@/lib/settings/queries";
import { getSettingsSummary } from "@/lib/system/queries";
import { CreateApiTokenForm } from "./_components/create-api-token-form";
import { RevokeApiTokenButton } from "./_components/revoke-api-token-button";
import { TestEmailForm } from "./_components/test-email-form";
import { WebhooksCard } from "./_components/webhooks-card";
import {
  createTokenAction,
  revokeTokenAction,
  sendTestEmailAction,
  sendTestSmsAction,
} from "./actions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  const settings = getSettingsSummary();
  const [heroku, tokens, appUrl] = await Promise.all([
    getHerokuStatus(),
    getApiTokens(user),
    getAppUrlStatus(),
  ]);
  const budgetTone =
    heroku.budget.level === "ok" ? "ok" : heroku.budget.level === "low" ? "warn" : "bad";
  const rows: [string, string][] = [
    ["Public URL (APP_URL)", describeAppUrl(appUrl)],
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
  const { alerts, email } = settings;
  const alertRows: [string, string][] = [
    [
      "Email provider",
      email.provider === "resend"
        ? `Resend (RESEND_API_KEY set), from ${email.from}`
        : "none: emails stay in the Outbox (set RESEND_API_KEY to send them)",
    ],
    [
      "SMS provider",
      email.smsProvider
        ? `${email.smsProvider === "twilio" ? "Twilio" : "Infobip"} (from ${email.smsFrom})`
        : "none: SMS stay in the Outbox (set INFOBIP_* or TWILIO_* to send them)",
    ],
    [
      "Default SMS recipients",
      email.smsRecipients.length > 0
        ? `${email.smsRecipients.join(", ")} (ALERT_SMS_RECIPIENTS)`
        : "none (ALERT_SMS_RECIPIENTS not set)",
    ],
    [
      "Default recipients",
      email.recipients.length > 0
        ? `${email.recipients.join(", ")} (ALERT_RECIPIENTS)`
        : "every admin (ALERT_RECIPIENTS not set)",
    ],
    [
      "Repeat notifications",
      `every ${alerts.repeatIntervalSeconds} s while firing, at most ${alerts.maxRepeatNotifications} per incident`,
    ],
    [
      "Restart cooling periods",
      `${alerts.dynoRestartCoolingSeconds} s per dyno or dyno type, ${alerts.appRestartCoolingSeconds} s per app`,
    ],
    [
      "Restart loop guard",
      `at most ${alerts.maxRestartsPerHour} automatic restarts per target an hour`,
    ],
    [
      "Did it help?",
      `measured ${alerts.helpedEarlySeconds} s and judged ${alerts.helpedSeconds} s after each restart`,
    ],
  ];
  return (
    <>
      <PageHeader
        title="Settings"
        description="How this monitor is configured. Settings come from the environment; README lists each one."
      />
      <div className="grid gap-6">
        <Card title="Heroku account">
          <dl className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            <div className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-3">
              <dt className="text-slate-500 dark:text-slate-400">Account</dt>
              <dd className="sm:col-span-2">
                {heroku.account ? (
                  <>
                    {heroku.account.email}
                    {heroku.account.name ? ` (${heroku.account.name})` : ""} · checked{" "}
                    <RelativeTime iso={heroku.account.checkedAt} relativeOnly />
                  </>
                ) : (
                  "not verified yet"
                )}
                {heroku.demo && (
                  <span className="ml-2">
                    <Badge tone="warn">demo: built-in simulator</Badge>
                  </span>
                )}
              </dd>
            </div>
            <div className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-3">
              <dt className="text-slate-500 dark:text-slate-400">API key</dt>
              <dd className="sm:col-span-2">
                {heroku.demo
                  ? "none: set HEROKU_API_KEY to watch your own account"
                  : "HEROKU_API_KEY (never shown)"}
                {heroku.lastError && (
                  <p role="alert" className="mt-1 text-red-700 dark:text-red-400">
                    {heroku.lastError}
                  </p>
                )}
              </dd>
            </div>
            <div className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-3">
              <dt className="text-slate-500 dark:text-slate-400">API request budget</dt>
              <dd className="sm:col-span-2">
                <Badge tone={budgetTone}>{heroku.budget.level}</Badge> {heroku.budget.remaining} of{" "}
                {heroku.budget.pool} requests left (refills about 75 a minute)
                {heroku.budget.waiting.length > 0 && (
                  <span className="block text-amber-800 dark:text-amber-300">
                    Waiting for the pool to refill: {heroku.budget.waiting.join(", ")}. Restarts
                    keep their reserve.
                  </span>
                )}
              </dd>
            </div>
          </dl>
        </Card>
        <Card
          title="Alerts"
          description="Email goes through the outbox: every message is kept on the Outbox page with its delivery status."
        >
          <dl className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {alertRows.map(([label, value]) => (
              <div key={label} className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-3">
                <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
                <dd className="sm:col-span-2">{value}</dd>
              </div>
            ))}
          </dl>
          {user.role === "admin" && (
            <div className="mt-4 border-t border-slate-100 pt-4 dark:border-slate-800">
              <TestEmailForm action={sendTestEmailAction} defaultTo={user.email} />
              <div className="mt-4">
                <TestEmailForm
                  action={sendTestSmsAction}
                  defaultTo={email.smsRecipients[0] ?? ""}
                  channel="sms"
                />
              </div>
            </div>
          )}
          <p className="mt-3 text-xs text-slate-500">
            Rules pick their channels: email, SMS, and the webhooks below.
          </p>
        </Card>
        {user.role === "admin" && <WebhooksCard />}
        <ApiTokensCard user={user} tokens={tokens} />
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

function ApiTokensCard({ user, tokens }: { user: UserActor; tokens: ApiTokenSummary[] }) {
  const isAdmin = user.role === "admin";
  return (
    <Card
      title="API tokens"
      description={
        <>
          Scripts call the REST API with <code className="font-mono">Authorization: Bearer</code>{" "}
          and a token. A token acts as the user who created it, with that user&apos;s current role (
          {user.role} for you{user.role === "viewer" ? ": read-only" : ""}).
          {isAdmin ? " As an admin you see, and can revoke, every user's tokens." : ""}
        </>
      }
    >
      <div className="grid gap-6">
        {tokens.length === 0 ? (
          <EmptyState title="No API tokens yet">
            Tokens you create below appear here with when they were last used. The token itself is
            shown once; only a hash is stored.
          </EmptyState>
        ) : (
          <Table caption="API tokens">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Token</Th>
                {isAdmin && <Th>Owner</Th>}
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Status</Th>
                <Th className="text-right">Revoke</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {tokens.map((token) => {
                const own = token.userId === user.id;
                return (
                  <tr key={token.id}>
                    <Td className="font-medium">{token.name}</Td>
                    <Td>
                      <code className="font-mono text-xs">{token.prefix}…</code>
                    </Td>
                    {isAdmin && (
                      <Td>
                        {token.ownerEmail}
                        {own && <span className="ml-1 text-xs text-slate-500">(you)</span>}
                      </Td>
                    )}
                    <Td>
                      <RelativeTime iso={token.createdAt.toISOString()} relativeOnly />
                    </Td>
                    <Td>
                      <RelativeTime iso={token.lastUsedAt?.toISOString() ?? null} relativeOnly />
                    </Td>
                    <Td>
                      {token.revokedAt ? (
                        <span className="inline-flex flex-wrap items-center gap-1">
                          <Badge tone="neutral">revoked</Badge>
                          <RelativeTime iso={token.revokedAt.toISOString()} relativeOnly />
                        </span>
                      ) : (
                        <Badge tone="ok">active</Badge>
                      )}
                    </Td>
                    <Td className="text-right">
                      {token.revokedAt ? (
                        <span className="text-slate-500 dark:text-slate-400">—</span>
                      ) : (
                        <RevokeApiTokenButton
                          tokenId={token.id}
                          name={token.name}
                          owner={own ? undefined : token.ownerEmail}
                          action={revokeTokenAction}
                        />
                      )}
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
        <CreateApiTokenForm action={createTokenAction} />
      </div>
    </Card>
  );
}
