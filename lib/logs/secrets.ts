// Drain secrets out of text that is stored or shown. An old drain URL carries its secret in the
// path (`/api/drains/<id>.<secret>`), and Heroku's router logs every request path: when the
// console watches its own app, those router lines (H-code errors are stored as events) would hand
// the secret to anyone reading them, who could then post log lines and trigger restart rules. New
// drain URLs carry it as URL credentials (`https://drain:<secret>@host/api/drains/<id>`).

const CUT = "***";
// `/api/drains/` then the id, up to the first `.` (or `%2E`, which the route decodes to one), then
// the secret: the rest of the path segment.
const PATH_SECRET = /(\/api\/drains\/[^\s"'?#/\\]*?(?:\.|%2e))[^\s"'?#/\\&<>]+/gi;
// `scheme://user:password@`: the password.
const URL_PASSWORD = /([a-z][a-z\d+.-]*:\/\/[^\s/?#@:"']*:)[^\s/?#@"']+@/gi;

/** `text` with every drain secret cut: `/api/drains/<id>.***`, `https://drain:***@host`. */
export function cutDrainSecrets(text: string): string {
  return text.replace(PATH_SECRET, `$1${CUT}`).replace(URL_PASSWORD, `$1${CUT}@`);
}

/** True when `text` may hold a drain secret: a cheap test before `cutDrainSecrets`. */
export function mayHoldDrainSecret(text: string): boolean {
  return /\/api\/drains\/|:\/\/[^\s/@]*:[^\s/]*@/i.test(text);
}
