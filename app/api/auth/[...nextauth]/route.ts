// Auth.js endpoints (sign-in callback, session, CSRF, sign-out): public by design.
import { handlers } from "@/lib/auth/config";

export const { GET, POST } = handlers;
