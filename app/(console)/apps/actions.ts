"use server";

import { startScenario, stopScenario, syncNow, syncNowSchema } from "@/lib/apps/service";
import { startScenarioSchema, stopScenarioSchema } from "@/lib/heroku/demo";
import { withAction } from "@/lib/http/action";
import { appCtx } from "@/lib/runtime";

export const syncNowAction = withAction(
  { access: "admin", schema: syncNowSchema, revalidate: ["/apps", "/"] },
  async (_input, actor) => {
    const result = await syncNow({ ctx: appCtx(actor) });
    return { status: result.status, detail: result.detail ?? null, error: result.error ?? null };
  },
);

export const startScenarioAction = withAction(
  { access: "admin", schema: startScenarioSchema, revalidate: ["/apps"] },
  async (input, actor) => startScenario({ ctx: appCtx(actor), input }),
);

export const stopScenarioAction = withAction(
  { access: "admin", schema: stopScenarioSchema, revalidate: ["/apps"] },
  async (input, actor) => {
    await stopScenario({ ctx: appCtx(actor), input });
    return { id: input.id };
  },
);
