// Discovery progress for the Apps page's "Sync now" (polled while a sync runs).
import { getSyncState } from "@/lib/apps/queries";
import { withRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = withRoute("user", async () => getSyncState());
