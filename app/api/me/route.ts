// The signed-in user: scripts and tests use it to check a session.
import { withRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = withRoute("user", async ({ actor }) => ({
  id: actor.id,
  email: actor.email,
  name: actor.name,
  role: actor.role,
}));
