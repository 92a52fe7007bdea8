"use server";

import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/auth/schemas";
import { withAction } from "@/lib/http/action";
import { appCtx } from "@/lib/runtime";

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
