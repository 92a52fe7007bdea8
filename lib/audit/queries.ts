import "server-only";
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
