function isTypeChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45
  );
}

function isLowerAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/**
 * Process type of a dyno name, or null when the name is not a dyno's.
 * PLATFORM.md §3.1 and §4.11 rule 8: `web.1` → `web`, `run.4821` → `run`, Fir
 * `web-1234abcde-123ab` → `web`. `postgres.1234` is the database's own log, not a dyno.
 */
export function dynoTypeOf(name: string): string | null {
  const n = name.length;
  if (n < 3) return null;
  const dot = name.lastIndexOf(".");
  if (dot > 0) {
    if (dot === n - 1) return null;
    for (let i = dot + 1; i < n; i++) {
      const c = name.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    for (let i = 0; i < dot; i++) {
      if (!isTypeChar(name.charCodeAt(i))) return null;
    }
    if (dot === 8 && name.startsWith("postgres")) return null;
    return name.slice(0, dot);
  }
  return firDynoType(name);
}

// Fir names are `<type>-<hash>-<suffix>`; requiring a digit in the hash keeps `my-cool-addon` out
// (inferred: PLATFORM.md §3.1 shows `web-1234abcde-123ab`).
function firDynoType(name: string): string | null {
  const last = name.lastIndexOf("-");
  if (last <= 0 || last === name.length - 1) return null;
  const mid = name.lastIndexOf("-", last - 1);
  if (mid <= 0 || mid === last - 1) return null;
  for (let i = last + 1; i < name.length; i++) {
    if (!isLowerAlnum(name.charCodeAt(i))) return null;
  }
  let hashHasDigit = false;
  for (let i = mid + 1; i < last; i++) {
    const c = name.charCodeAt(i);
    if (!isLowerAlnum(c)) return null;
    if (c <= 57) hashHasDigit = true;
  }
  if (!hashHasDigit) return null;
  for (let i = 0; i < mid; i++) {
    if (!isTypeChar(name.charCodeAt(i))) return null;
  }
  return name.slice(0, mid);
}
