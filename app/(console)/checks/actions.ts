"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import {
  checkEditFormSchema,
  checkFormSchema,
  checkIdFormSchema,
  checkToggleFormSchema,
} from "@/lib/checks/form";
import { createCheck, deleteCheck, updateCheck } from "@/lib/checks/service";
import { withAction } from "@/lib/http/action";
import { appCtx } from "@/lib/runtime";

export const createCheckAction = withAction(
  { access: "admin", schema: checkFormSchema },
  async (input, actor) => {
    const check = await createCheck({ ctx: appCtx(actor), input });
    revalidatePath("/checks");
    redirect(`/checks/${check.id}`);
  },
);

export const updateCheckAction = withAction(
  { access: "admin", schema: checkEditFormSchema },
  async ({ id, patch }, actor) => {
    await updateCheck({ ctx: appCtx(actor), id, patch });
    revalidatePath("/checks");
    redirect(`/checks/${id}`);
  },
);

export const toggleCheckAction = withAction(
  { access: "admin", schema: checkToggleFormSchema, revalidate: ["/checks"] },
  async ({ id, enabled }, actor) => {
    const check = await updateCheck({ ctx: appCtx(actor), id, patch: { enabled } });
    return { enabled: check.enabled };
  },
);

export const deleteCheckAction = withAction(
  { access: "admin", schema: checkIdFormSchema },
  async ({ id }, actor) => {
    await deleteCheck({ ctx: appCtx(actor), id });
    revalidatePath("/checks");
    redirect("/checks");
  },
);
