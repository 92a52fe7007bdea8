// Memory quotas by dyno size (PLATFORM.md §3.3), used until a runtime-metrics sample reports the
// dyno's own `sample#memory_quota`.

const QUOTA_MB: Record<string, number> = {
  eco: 512,
  free: 512,
  hobby: 512,
  basic: 512,
  "standard-1x": 512,
  "1x": 512,
  "standard-2x": 1024,
  "2x": 1024,
  "performance-m": 2560,
  px: 14336,
  "performance-l": 14336,
  "performance-l-ram": 30720,
  "performance-xl": 63488,
  "performance-2xl": 129024,
  "private-s": 1024,
  "shield-s": 1024,
  "private-m": 2560,
  "shield-m": 2560,
  "private-l": 14336,
  "shield-l": 14336,
  "private-l-ram": 30720,
  "shield-l-ram": 30720,
  "private-xl": 63488,
  "shield-xl": 63488,
  "private-2xl": 129024,
  "shield-2xl": 129024,
};

/** The size's memory quota in MB, or null for an unknown size. Fir names carry the GB: dyno-2c-4gb. */
export function memoryQuotaMb(size: string | null | undefined): number | null {
  if (!size) return null;
  const key = size.trim().toLowerCase();
  const known = QUOTA_MB[key];
  if (known !== undefined) return known;
  const fir = /^dyno-\d+c-(\d+(?:\.\d+)?)gb$/.exec(key);
  return fir?.[1] ? Math.round(Number(fir[1]) * 1024) : null;
}

/** The process type of a dyno name: web.1 → web, run.4821 → run, web-7d9f8c6b5-x2k4q → web. */
export function dynoType(name: string): string {
  const dot = name.indexOf(".");
  if (dot > 0) return name.slice(0, dot);
  const dash = name.indexOf("-");
  return dash > 0 ? name.slice(0, dash) : name;
}
