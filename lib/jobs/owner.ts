import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** A name for this process in lease columns and job_runs. */
export const processOwner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
