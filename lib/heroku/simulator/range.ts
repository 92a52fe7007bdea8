// PLATFORM.md §1.2: Range pagination of list endpoints (`Range: id ]<last>..; max=200`).

export type RangeSpec = {
  field: string;
  start: string | undefined;
  startExclusive: boolean;
  end: string | undefined;
  max: number;
  order: "asc" | "desc";
};

export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 1000;

/**
 * Parses a Range header against the list's sortable fields. Options may be separated by `;` or `,`
 * in any order, with optional spaces. Returns undefined when the header is garbage.
 */
export function parseRange(
  header: string | undefined,
  fields: readonly string[],
): RangeSpec | undefined {
  const spec: RangeSpec = {
    field: fields[0] ?? "id",
    start: undefined,
    startExclusive: false,
    end: undefined,
    max: DEFAULT_PAGE,
    order: "asc",
  };
  if (header === undefined || header.trim() === "") return spec;
  const head = /^\s*([A-Za-z_]+)(.*)$/s.exec(header);
  if (!head?.[1] || !fields.includes(head[1])) return undefined;
  spec.field = head[1];
  let rest = (head[2] ?? "").trim();
  let options = rest;
  const dots = rest.indexOf("..");
  if (dots !== -1) {
    if (rest.startsWith("]")) {
      spec.startExclusive = true;
      rest = rest.slice(1);
    }
    const at = rest.indexOf("..");
    const start = rest.slice(0, at).trim();
    const after = rest.slice(at + 2);
    const separator = after.search(/[;,]/);
    const end = (separator === -1 ? after : after.slice(0, separator)).trim();
    if (/\s/.test(start) || /\s/.test(end)) return undefined;
    spec.start = start || undefined;
    spec.end = end || undefined;
    options = separator === -1 ? "" : after.slice(separator);
  } else if (options !== "" && !/^[;,]/.test(options)) {
    return undefined;
  }
  for (const part of options.split(/[;,]/)) {
    const option = part.trim();
    if (option === "") continue;
    const pair = /^(max|order)\s*=\s*(\S+)$/.exec(option);
    if (!pair) return undefined;
    if (pair[1] === "max") {
      if (!/^\d+$/.test(pair[2] ?? "")) return undefined;
      const max = Number.parseInt(pair[2] ?? "", 10);
      if (max < 1) return undefined;
      spec.max = Math.min(MAX_PAGE, max);
    } else if (pair[2] === "asc" || pair[2] === "desc") {
      spec.order = pair[2];
    } else {
      return undefined;
    }
  }
  return spec;
}

export type SortKey = string | number;

function compare(a: SortKey, b: SortKey): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function boundary(value: string, sample: SortKey | undefined): SortKey {
  return typeof sample === "number" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

export type Page<T> = {
  items: T[];
  /** More items remain: answer 206 with Next-Range. */
  partial: boolean;
  contentRange: string | undefined;
  nextRange: string | undefined;
};

export function paginate<T>(
  all: readonly T[],
  key: (item: T, field: string) => SortKey,
  range: RangeSpec,
): Page<T> {
  const direction = range.order === "desc" ? -1 : 1;
  const sorted = [...all].sort(
    (a, b) => direction * compare(key(a, range.field), key(b, range.field)),
  );
  const sample = sorted[0] === undefined ? undefined : key(sorted[0], range.field);
  const { start, end } = range;
  const inRange = sorted.filter((item) => {
    const value = key(item, range.field);
    if (start !== undefined) {
      const c = direction * compare(value, boundary(start, sample));
      if (c < 0 || (c === 0 && range.startExclusive)) return false;
    }
    return end === undefined || direction * compare(value, boundary(end, sample)) <= 0;
  });
  const items = inRange.slice(0, range.max);
  const partial = inRange.length > items.length;
  const first = items[0];
  const last = items.at(-1);
  const suffix = `; max=${range.max}${range.order === "desc" ? ", order=desc" : ""}`;
  return {
    items,
    partial,
    contentRange:
      first === undefined || last === undefined
        ? undefined
        : `${range.field} ${key(first, range.field)}..${key(last, range.field)}${suffix}`,
    nextRange:
      partial && last !== undefined
        ? `${range.field} ]${key(last, range.field)}..${suffix}`
        : undefined,
  };
}
