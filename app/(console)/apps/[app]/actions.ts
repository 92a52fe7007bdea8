"use server";

import { getConfig } from "@/lib/config";
import { getHerokuClient } from "@/lib/heroku/connection";
import { withAction } from "@/lib/http/action";
import {
  enableDrainForApp,
  enableDrainSchema,
  revokeOldDrainToken,
  revokeOldDrainTokenSchema,
} from "@/lib/ingest/drains-service";
import { appCtx } from "@/lib/runtime";

export const enableDrainAction = withAction(
  { access: "admin", schema: enableDrainSchema, revalidate: ["/apps"] },
  async (input, actor) =>
    enableDrainForApp({
      ctx: appCtx(actor),
      client: await getHerokuClient(),
      input,
      appUrl: getConfig().appUrl,
    }),
);

export const revokeOldDrainTokenAction = withAction(
  { access: "admin", schema: revokeOldDrainTokenSchema, revalidate: ["/apps"] },
  async (input, actor) => revokeOldDrainToken({ ctx: appCtx(actor), input }),
);
