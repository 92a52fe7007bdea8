"use server";

import { getConfig } from "@/lib/config";
import { withAction } from "@/lib/http/action";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret,
  sendWebhookTest,
  setWebhookEnabled,
  setWebhookEnabledSchema,
  webhookEndpointInputSchema,
  webhookIdSchema,
} from "@/lib/notify/webhooks";
import { appCtx } from "@/lib/runtime";
import { getAppUrl } from "@/lib/settings/queries";

// Webhooks are admin-only: their URLs and secrets reach outside this console.
export const createWebhookAction = withAction(
  { access: "admin", schema: webhookEndpointInputSchema, revalidate: ["/settings"] },
  async (input, actor) => {
    const { endpoint, secret } = await createWebhookEndpoint(appCtx(actor), input);
    // The only time a generic endpoint's signing secret leaves the server.
    return { id: endpoint.id, name: endpoint.name, preset: endpoint.preset, secret };
  },
);

export const setWebhookEnabledAction = withAction(
  { access: "admin", schema: setWebhookEnabledSchema, revalidate: ["/settings"] },
  async (input, actor) => {
    const endpoint = await setWebhookEnabled(appCtx(actor), input.webhookId, input.enabled);
    return { id: endpoint.id, enabled: endpoint.enabled };
  },
);

export const rotateWebhookSecretAction = withAction(
  { access: "admin", schema: webhookIdSchema, revalidate: ["/settings"] },
  async (input, actor) => {
    const { endpoint, secret } = await rotateWebhookSecret(appCtx(actor), input.webhookId);
    return { id: endpoint.id, name: endpoint.name, secret };
  },
);

export const deleteWebhookAction = withAction(
  { access: "admin", schema: webhookIdSchema, revalidate: ["/settings"] },
  async (input, actor) => {
    const endpoint = await deleteWebhookEndpoint(appCtx(actor), input.webhookId);
    return { id: endpoint.id, name: endpoint.name };
  },
);

export const sendTestWebhookAction = withAction(
  { access: "admin", schema: webhookIdSchema, revalidate: ["/settings"] },
  async (input, actor) =>
    sendWebhookTest(appCtx(actor), input.webhookId, {
      consoleUrl: await getAppUrl(),
      demoMode: getConfig().demoMode,
    }),
);
