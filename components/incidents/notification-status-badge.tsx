import { Badge, type Tone } from "@/components/ui/badge";
import type { NotificationStatus } from "@/lib/db/schema";

const tones: Record<NotificationStatus, Tone> = {
  pending: "info",
  sent: "ok",
  held: "warn",
  failed: "bad",
};
const hints: Record<NotificationStatus, string> = {
  pending: "Waiting for the deliver-outbox job (or for its next retry)",
  sent: "Accepted by the provider",
  held: "Kept here: no email provider is configured",
  failed: "Not delivered; see the last error",
};

export function NotificationStatusBadge({ status }: { status: NotificationStatus }) {
  return (
    <Badge tone={tones[status]} title={hints[status]}>
      {status}
    </Badge>
  );
}
