// Reads for pages: who is signed in, how many users exist, the user list.
import "server-only";
import { headers } from "next/headers";
import { getDb } from "@/lib/db/client";
import { countUsers, listUsers, type PublicUser } from "./service";
import { readSessionClaims } from "./session";

export async function hasAnyUser(): Promise<boolean> {
  return (await countUsers({ db: getDb() })) > 0;
}

export async function getUsers(): Promise<PublicUser[]> {
  return listUsers({ db: getDb() });
}

/** Whether the visitor already holds a valid session (sign-in and setup pages move them on). */
export async function isSignedIn(): Promise<boolean> {
  return (await readSessionClaims(await headers())) !== null;
}
