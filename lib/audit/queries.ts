import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { listAuditEvents } from "./index";

export type ActivityRow = {
  id: string;
  at: string;
  actorType: "user" | "system";
  actorLabel: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
};

export async function getActivity(
  options: { action?: string; limit?: number } = {},
): Promise<ActivityRow[]> {
  const events = await listAuditEvents(getDb(), options);
  return events.map((event) => ({
    id: event.id,
    at: event.at.toISOString(),
    actorType: event.actorType,
    actorLabel: event.actorLabel,
    action: event.action,
    target: event.target,
    detail: event.detail,
  }));
}

export const ACTIVITY_TABS = ["changes", "restarts"] as const;
export type ActivityTab = (typeof ACTIVITY_TABS)[number];

const activityTabSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value[0] : value),
  z.enum(ACTIVITY_TABS).catch("changes"),
);

/** The Activity page's tab from `?tab=`; anything else is the audit trail. */
export function parseActivityTab(value: unknown): ActivityTab {
  return activityTabSchema.parse(value);
}
