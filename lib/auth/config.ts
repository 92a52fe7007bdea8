// Auth.js (next-auth v5): Credentials against our users table, JWT sessions carrying id and role.
import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { appCtx } from "@/lib/runtime";
import { PEER_HEADER, PEER_RECORDED_FLAG, resolveClientAddress } from "./client-address";
import { signInSchema } from "./schemas";
import { verifyCredentials } from "./service";
import { authSecret, SESSION_MAX_AGE_SECONDS } from "./session";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: "admin" | "viewer" } & DefaultSession["user"];
  }
  interface User {
    role?: "admin" | "viewer";
  }
}

/** This email was refused from this address for now; the sign-in form says for how long. */
export class RateLimitedSignIn extends CredentialsSignin {
  override code = "rate_limited";
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super();
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Whether scripts/server.mjs runs this process: only then is the peer header its own writing. */
function peerRecorded(): boolean {
  return (globalThis as Record<symbol, unknown>)[Symbol.for(PEER_RECORDED_FLAG)] === true;
}

/**
 * The client address for sign-in throttling: TRUSTED_PROXY_HOPS from the right of
 * [X-Forwarded-For…, the socket address scripts/server.mjs recorded] (see resolveClientAddress).
 */
export function clientIp(
  headers: Headers | undefined,
  options: { trustedProxyHops?: number; peerRecorded?: boolean } = {},
): string {
  const recorded = options.peerRecorded ?? peerRecorded();
  return resolveClientAddress({
    forwardedFor: headers?.get("x-forwarded-for"),
    peer: recorded ? headers?.get(PEER_HEADER) : null,
    trustedProxyHops: options.trustedProxyHops ?? getConfig().trustedProxyHops,
  });
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  trustHost: true,
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  logger: {
    error(error) {
      // a wrong password is not a server error (names are minified in the build: use the type)
      if ((error as Error & { type?: string }).type === "CredentialsSignin") return;
      log.error("auth error", { error });
    },
    warn(code) {
      log.warn("auth warning", { code });
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const result = await verifyCredentials({
          ctx: appCtx(),
          input: parsed.data,
          ip: clientIp(request?.headers),
        });
        if (!result.ok) {
          if (result.reason === "rate_limited") {
            throw new RateLimitedSignIn(result.retryAfterSeconds);
          }
          return null;
        }
        return {
          id: result.user.id,
          email: result.user.email,
          name: result.user.name,
          role: result.user.role,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = user.role;
        token.email = user.email;
        token.name = user.name;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = token.role === "admin" ? "admin" : "viewer";
      return session;
    },
  },
}));
