// A private Postgres that looks like Heroku Postgres to a client: TLS only (hostssl), a self-signed
// certificate, password authentication, and a URL of the form postgres://user:pass@host:port/db.
// The machine's shared Postgres (5432) has no TLS and is never touched: this one runs from a temp
// directory on a port of its own and is removed by stop().
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Ports this project's tests may give a private Postgres. */
const PORTS = Array.from({ length: 10 }, (_, i) => 15510 + i);

export type TlsPostgres = {
  /** postgres://USER:PASSWORD@127.0.0.1:PORT/DB, without sslmode (as Heroku sets it). */
  url: string;
  stop(): Promise<void>;
};

/** The newest server under /usr/lib/postgresql/<major>/bin, or undefined when none is installed. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], "bin") : undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Postgres refuses to run as root: as root, run its tools as the `postgres` OS user. */
function asServerUser(
  bin: string,
  args: string[],
  owner: { uid: number; gid: number } | undefined,
): Promise<{ stdout: string; stderr: string }> {
  if (!owner) return run(bin, args, { timeout: 120_000 });
  return run("runuser", ["-u", "postgres", "--", bin, ...args], { timeout: 120_000 });
}

/** The `postgres` account that Debian's postgresql package creates. */
async function lookupPostgresUser(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  return { uid, gid };
}

/**
 * Starts the private server: initdb into a temp directory, a self-signed certificate from openssl,
 * ssl=on, pg_hba with `hostssl ... scram-sha-256` only (a client without TLS is refused), and a
 * database owned by a user with a random password.
 */
export async function startTlsPostgres(): Promise<TlsPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("No Postgres server found under /usr/lib/postgresql/*/bin");
  const owner = userInfo().uid === 0 ? await lookupPostgresUser() : undefined;

  const dir = mkdtempSync(join(tmpdir(), "dm-tls-pg-"));
  const data = join(dir, "data");
  const user = "dyno";
  const password = randomBytes(18).toString("base64url");
  const database = "dyno_monitor";
  const give = (path: string) => owner && chownSync(path, owner.uid, owner.gid);
  give(dir);

  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  give(passwordFile);
  await asServerUser(
    join(bin, "initdb"),
    [
      "-D",
      data,
      "-U",
      user,
      `--pwfile=${passwordFile}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ],
    owner,
  );
  rmSync(passwordFile);

  const cert = join(dir, "server.crt");
  const key = join(dir, "server.key");
  await run(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=dyno-monitor-test-postgres",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { timeout: 60_000 },
  );
  chmodSync(key, 0o600);
  give(key);
  give(cert);
  // TLS connections only: no plain `host` line, so a client without TLS gets "no pg_hba.conf entry"
  const hba = join(data, "pg_hba.conf");
  writeFileSync(
    hba,
    ["local all all trust", "hostssl all all 127.0.0.1/32 scram-sha-256", ""].join("\n"),
  );
  give(hba);

  const logFile = join(dir, "server.log");
  let port: number | undefined;
  let lastError: unknown;
  for (const candidate of PORTS) {
    if (!(await portIsFree(candidate))) continue;
    const options = [
      `-p ${candidate}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      "-c ssl=on",
      `-c ssl_cert_file=${cert}`,
      `-c ssl_key_file=${key}`,
      "-c fsync=off",
      "-c max_connections=60",
    ].join(" ");
    try {
      await asServerUser(
        join(bin, "pg_ctl"),
        ["start", "-D", data, "-l", logFile, "-w", "-t", "60", "-o", options],
        owner,
      );
      port = candidate;
      break;
    } catch (error) {
      lastError = error; // taken between the probe and the start: try the next port
    }
  }
  if (port === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start a private Postgres on ports ${PORTS[0]}-${PORTS.at(-1)}`, {
      cause: lastError,
    });
  }
  await asServerUser(
    join(bin, "createdb"),
    ["-h", dir, "-p", String(port), "-U", user, database],
    owner,
  );

  let stopped = false;
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await asServerUser(
        join(bin, "pg_ctl"),
        ["stop", "-D", data, "-m", "immediate", "-w", "-t", "60"],
        owner,
      ).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
