// Masks URLs in anything shown or stored for display: hints of stored URLs, delivery statuses and
// providers' answers. Only scheme://host[:port] stays: a URL's userinfo, path and query values can
// each be a credential (a Redis password, a Slack webhook's path, a ?token=), and receivers echo
// them back in their error text. Pure: no imports.

export const MASK = "•••";

/** `scheme://…` up to whitespace, a quote or an angle bracket; JSON's `https:\/\/` counts too. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:(?:\/\/|\\\/\\\/)[^\s"'<>`]+/gi;
const WHOLE_URL = new RegExp(`^${URL_IN_TEXT.source}$`, "i");
/** A query key shown as is: a plain name. Anything else might be the secret itself. */
const PLAIN_KEY = /^[\w.[\]-]{1,40}$/;
/** Known parts shorter than this are not masked on their own (they would mask ordinary words). */
const MIN_PART = 4;
const MIN_SEGMENT = 8;

function maskQuery(query: string): string {
  return query
    .split("&")
    .map((pair) => {
      if (pair === "") return pair;
      const eq = pair.indexOf("=");
      if (eq === -1) return MASK;
      const key = pair.slice(0, eq);
      if (!PLAIN_KEY.test(key)) return MASK;
      return eq === pair.length - 1 ? pair : `${key}=${MASK}`;
    })
    .join("&");
}

function maskOne(url: string): string {
  const colon = url.indexOf(":");
  const slashes = url.startsWith("//", colon + 1) ? "//" : "\\/\\/";
  const rest = url.slice(colon + 1 + slashes.length);
  // userinfo ends at the last @ before the query: a password may hold an unescaped "/"
  const queryAt = rest.search(/[?#]/);
  const at = rest.lastIndexOf("@", queryAt === -1 ? undefined : queryAt);
  const afterUser = at === -1 ? rest : rest.slice(at + 1);
  const hostEnd = afterUser.search(/[/\\?#]/);
  const host = hostEnd === -1 ? afterUser : afterUser.slice(0, hostEnd);
  const tail = hostEnd === -1 ? "" : afterUser.slice(hostEnd);

  const fragmentAt = tail.indexOf("#");
  const beforeFragment = fragmentAt === -1 ? tail : tail.slice(0, fragmentAt);
  const qAt = beforeFragment.indexOf("?");
  const path = qAt === -1 ? beforeFragment : beforeFragment.slice(0, qAt);
  const query = qAt === -1 ? null : beforeFragment.slice(qAt + 1);
  const separator = path.startsWith("\\/") ? "\\/" : "/";

  let out = `${url.slice(0, colon)}:${slashes}${at === -1 ? "" : `${MASK}@`}${host}`;
  if (path !== "" && path !== "/" && path !== "\\/") out += `${separator}${MASK}`;
  else out += path;
  if (query !== null) out += `?${maskQuery(query)}`;
  if (fragmentAt !== -1) out += tail.length > fragmentAt + 1 ? `#${MASK}` : "#";
  return out;
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** What of a known URL may be echoed on its own: its path and query, their parts, its userinfo. */
function partsOf(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return [value.trim()];
  }
  const parts = [value.trim(), url.href, url.username, url.password, url.hash.slice(1)];
  parts.push(`${url.pathname}${url.search}`, url.search, url.search.slice(1));
  if (url.pathname.length > 1) parts.push(url.pathname);
  for (const segment of url.pathname.split("/")) {
    if (segment.length >= MIN_SEGMENT) parts.push(segment);
  }
  for (const [, param] of url.searchParams) parts.push(param);
  for (const raw of url.search.slice(1).split("&")) parts.push(raw.slice(raw.indexOf("=") + 1));
  return parts.flatMap((part) => [part, decoded(part)]);
}

/**
 * `text` with every URL in it masked to scheme://host (`redis://•••@host:6379/•••`,
 * `https://hooks.example.com/•••?token=•••`). The URLs in `known` (the one a request went to) are
 * also masked where their path, query or a value of theirs appears without the URL around it.
 */
export function maskUrls(text: string, known: readonly string[] = []): string {
  let out = text.replace(URL_IN_TEXT, (match) => {
    // prose closes a URL with punctuation: keep it outside the mask
    const trailing = /[.,;:!?)\]}]+$/.exec(match)?.[0] ?? "";
    return maskOne(match.slice(0, match.length - trailing.length)) + trailing;
  });
  const parts = [...new Set(known.flatMap(partsOf))]
    .filter((part) => part.length >= MIN_PART && part !== MASK)
    .sort((a, b) => b.length - a.length);
  for (const part of parts) out = out.split(part).join(MASK);
  return out;
}

/** A stored URL as a hint (`postgres://•••@db.example.com:5432/•••`); anything else: all masked. */
export function maskUrl(value: string): string {
  const trimmed = value.trim();
  return WHOLE_URL.test(trimmed) ? maskOne(trimmed) : MASK;
}
