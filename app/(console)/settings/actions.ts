"use server";

import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/auth/schemas";
import { getConfig } from "@/lib/config";
import { withAction } from "@/lib/http/action";
import { sendTestEmail, sendTestSms, testEmailSchema, testSmsSchema } from "@/lib/notify/service";
import { appCtx } from "@/lib/runtime";
import { getAppUrl } from "@/lib/settings/queries";

// Every user manages their own tokens (a viewer's token only reads); admins may revoke anyone's.
export const createTokenAction = withAction(
  { access: "user", schema: createApiTokenSchema, revalidate: ["/settings"] },
  async (input, actor) => {
    const { token, row } = await createApiToken(appCtx(actor), input);
    // The only time the plain token leaves the server.
    return { token, name: row.name };
  },
);

export const revokeTokenAction = withAction(
  { access: "user", schema: revokeApiTokenSchema, revalidate: ["/settings"] },
  async (input, actor) => {
    const token = await revokeApiToken(appCtx(actor), input.tokenId);
    return { tokenId: token.id, name: token.name };
  },
);

export const sendTestEmailAction = withAction(
  { access: "admin", schema: testEmailSchema, revalidate: ["/outbox"] },
  async (input, actor) =>
    sendTestEmail({
      ctx: appCtx(actor),
      input,
      config: { ...getConfig(), appUrl: await getAppUrl() },
    }),
);

export const sendTestSmsAction = withAction(
  { access: "admin", schema: testSmsSchema, revalidate: ["/outbox"] },
  async (input, actor) =>
    sendTestSms({
      ctx: appCtx(actor),
      input,
      config: { ...getConfig(), appUrl: await getAppUrl() },
    }),
);
