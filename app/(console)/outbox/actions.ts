"use server";

import { withAction } from "@/lib/http/action";
import { retryNotificationSchema, retryOutboxNotification } from "@/lib/incidents/service";
import { appCtx } from "@/lib/runtime";

export const retryNotificationAction = withAction(
  { access: "admin", schema: retryNotificationSchema, revalidate: ["/outbox"] },
  async (input, actor) => {
    await retryOutboxNotification(appCtx(actor), input.notificationId);
    return { notificationId: input.notificationId };
  },
);
