// Integration tests sign session cookies themselves: give them a fixed secret instead of letting
// lib/config generate one into .data/.
import { randomBytes } from "node:crypto";

process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
