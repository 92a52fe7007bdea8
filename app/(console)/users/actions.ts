"use server";

import { changeRoleSchema, createUserSchema, removeUserSchema } from "@/lib/auth/schemas";
import { changeUserRole, createUser, removeUser } from "@/lib/auth/service";
import { withAction } from "@/lib/http/action";
import { appCtx } from "@/lib/runtime";

export const createUserAction = withAction(
  { access: "admin", schema: createUserSchema, revalidate: ["/users"] },
  async (input, actor) => {
    const user = await createUser({ ctx: appCtx(actor), input });
    return { email: user.email };
  },
);

export const changeRoleAction = withAction(
  { access: "admin", schema: changeRoleSchema, revalidate: ["/users"] },
  async (input, actor) => {
    const user = await changeUserRole({ ctx: appCtx(actor), input });
    return { email: user.email, role: user.role };
  },
);

export const removeUserAction = withAction(
  { access: "admin", schema: removeUserSchema, revalidate: ["/users"] },
  async (input, actor) => {
    await removeUser({ ctx: appCtx(actor), input });
    return { userId: input.userId };
  },
);
