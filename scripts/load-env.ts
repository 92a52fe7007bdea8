// Scripts read .env like `next start` does; variables already in the environment win.
import { existsSync } from "node:fs";
import { join } from "node:path";

const file = join(__dirname, "..", ".env");
if (existsSync(file)) process.loadEnvFile(file);
