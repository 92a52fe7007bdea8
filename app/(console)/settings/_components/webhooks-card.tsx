import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireAdmin } from "@/lib/auth/guards";
import { getWebhookEndpoints } from "@/lib/notify/webhooks";
import {
  createWebhookAction,
  deleteWebhookAction,
  rotateWebhookSecretAction,
  sendTestWebhookAction,
  setWebhookEnabledAction,
} from "../webhook-actions";
import { CreateWebhookForm } from "./create-webhook-form";
import { WebhookControls } from "./webhook-controls";

const controlActions = {
  sendTest: sendTestWebhookAction,
  setEnabled: setWebhookEnabledAction,
  rotateSecret: rotateWebhookSecretAction,
  remove: deleteWebhookAction,
};

/** Settings → Webhooks (admins only): endpoints alerts are posted to, with URLs shown masked. */
export async function WebhooksCard() {
  await requireAdmin();
  const endpoints = await getWebhookEndpoints();
  return (
    <Card
      title="Webhooks"
      description={
        <>
          Endpoints that receive alerts as signed JSON, or as Slack messages. URLs and secrets are
          stored encrypted; only the host is shown. README, section “Webhooks”, describes the
          payload and how to verify the signature.
        </>
      }
    >
      <div className="grid gap-6">
        {endpoints.length === 0 ? (
          <EmptyState title="No webhooks yet">
            Add one below: a generic endpoint gets signed JSON, a Slack incoming webhook gets a
            formatted message. Send a test to check it arrives.
          </EmptyState>
        ) : (
          <ul aria-label="Webhooks" className="divide-y divide-slate-100 dark:divide-slate-800">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} className="grid gap-3 py-3 first:pt-0">
                <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                  <span className="font-medium">{endpoint.name}</span>
                  <Badge tone="info">
                    {endpoint.preset === "slack" ? "Slack" : "generic, signed"}
                  </Badge>
                  <code className="font-mono text-xs text-slate-600 dark:text-slate-400">
                    {endpoint.urlHint}
                  </code>
                  {endpoint.enabled ? (
                    <Badge tone="ok">enabled</Badge>
                  ) : (
                    <Badge tone="neutral">disabled</Badge>
                  )}
                </div>
                <p className="text-sm text-slate-600 dark:text-slate-400">
                  Last delivery:{" "}
                  {endpoint.lastDeliveryAt ? (
                    <RelativeTime iso={endpoint.lastDeliveryAt.toISOString()} relativeOnly />
                  ) : (
                    "none yet"
                  )}
                  {endpoint.lastStatus && (
                    <>
                      {" "}
                      <Badge tone={endpoint.lastOk ? "ok" : "bad"}>
                        {endpoint.lastOk ? "ok" : "failed"}
                      </Badge>{" "}
                      <span className="break-words">
                        {endpoint.lastStatus.replace(/^(ok|failed): /, "")}
                      </span>
                    </>
                  )}
                  <span className="block text-xs">
                    Added by {endpoint.createdBy},{" "}
                    <RelativeTime iso={endpoint.createdAt.toISOString()} relativeOnly />
                  </span>
                </p>
                <WebhookControls
                  webhook={{
                    id: endpoint.id,
                    name: endpoint.name,
                    enabled: endpoint.enabled,
                    signed: endpoint.signed,
                  }}
                  actions={controlActions}
                />
              </li>
            ))}
          </ul>
        )}
        <CreateWebhookForm action={createWebhookAction} />
      </div>
    </Card>
  );
}
