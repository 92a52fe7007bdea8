// Reads for pages: who is signed in, how many users exist, the user list, API tokens.
import "server-only";
import { headers } from "next/headers";
import { getConfig } from "@/lib/config";
import type { UserActor } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { type ApiTokenSummary, listApiTokens } from "./api-tokens";
import { countUsers, listUsers, type PublicUser } from "./service";
import { readSessionClaims } from "./session";
import { setupTokenRequired } from "./setup-token";

/** /setup asks for the release log's setup token (Postgres, no ADMIN_EMAIL). */
export function isSetupTokenRequired(): boolean {
  return setupTokenRequired(getConfig());
}

export async function hasAnyUser(): Promise<boolean> {
  return (await countUsers({ db: getDb() })) > 0;
}

export async function getUsers(): Promise<PublicUser[]> {
  return listUsers({ db: getDb() });
}

/** The Settings page's API tokens: the user's own, or every user's for an admin. */
export async function getApiTokens(actor: UserActor): Promise<ApiTokenSummary[]> {
  return listApiTokens({ db: getDb(), actor });
}

/** Whether the visitor already holds a valid session (sign-in and setup pages move them on). */
export async function isSignedIn(): Promise<boolean> {
  return (await readSessionClaims(await headers())) !== null;
}
