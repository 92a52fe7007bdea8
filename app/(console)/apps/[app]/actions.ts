"use server";

import { getHerokuClient } from "@/lib/heroku/connection";
import { withAction } from "@/lib/http/action";
import {
  enableDrainForApp,
  enableDrainSchema,
  revokeOldDrainToken,
  revokeOldDrainTokenSchema,
} from "@/lib/ingest/drains-service";
import { appCtx } from "@/lib/runtime";
import { getAppUrl } from "@/lib/settings/queries";

export const enableDrainAction = withAction(
  { access: "admin", schema: enableDrainSchema, revalidate: ["/apps"] },
  async (input, actor) =>
    enableDrainForApp({
      ctx: appCtx(actor),
      client: await getHerokuClient(),
      input,
      appUrl: await getAppUrl(),
    }),
);

export const revokeOldDrainTokenAction = withAction(
  { access: "admin", schema: revokeOldDrainTokenSchema, revalidate: ["/apps"] },
  async (input, actor) => revokeOldDrainToken({ ctx: appCtx(actor), input }),
);
