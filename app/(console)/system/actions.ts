"use server";

import { withAction } from "@/lib/http/action";
import { runJobSchema } from "@/lib/jobs/schemas";
import { runJobManually } from "@/lib/jobs/service";
import { appCtx } from "@/lib/runtime";

export const runJobAction = withAction(
  { access: "admin", schema: runJobSchema, revalidate: ["/system"] },
  (input, actor) => runJobManually({ ctx: appCtx(actor), input }),
);
