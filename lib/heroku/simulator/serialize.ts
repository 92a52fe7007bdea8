// JSON shapes of the Platform API (PLATFORM.md §2), field names exactly as Heroku sends them.
import { currentRelease } from "./account";
import { cedar, type DynoSize, regions, stack } from "./catalog";
import { stableUuid } from "./prng";
import { apiTimestamp } from "./time";
import type { Account, Drain, Dyno, Feature, Formation, Release, SimApp } from "./world";

const appRef = (app: SimApp) => ({ id: app.id, name: app.name });

export function accountJson(account: Account) {
  return {
    allow_tracking: true,
    beta: false,
    country_of_residence: "United States",
    created_at: apiTimestamp(account.createdAt),
    default_organization: null,
    default_team: null,
    delinquent_at: null,
    email: account.email,
    federated: false,
    id: account.id,
    identity_provider: null,
    last_login: apiTimestamp(account.lastLogin),
    name: account.name,
    sms_number: null,
    suspended_at: null,
    two_factor_authentication: true,
    updated_at: apiTimestamp(account.updatedAt),
    verified: true,
  };
}

function processTier(app: SimApp): string {
  const tiers = [...app.formations.values()].map((f) => f.size.tier);
  if (tiers.includes("production")) return "production";
  return tiers.includes("basic") ? "basic" : "eco";
}

/** PLATFORM.md §1.1: with `version=3.sdk`, `generation` is a plain string. */
export function appJson(app: SimApp, account: Account, sdk: boolean) {
  return {
    acm: false,
    archived_at: null,
    buildpack_provided_description: app.buildpack,
    build_stack: stack,
    created_at: apiTimestamp(app.createdAt),
    generation: sdk ? cedar.name : cedar,
    git_url: `https://git.heroku.com/${app.name}.git`,
    id: app.id,
    internal_routing: null,
    maintenance: app.maintenance,
    name: app.name,
    owner: { email: account.email, id: account.id },
    organization: null,
    team: null,
    process_tier: processTier(app),
    region: regions[app.region],
    released_at: apiTimestamp(currentRelease(app).createdAt),
    repo_size: null,
    slug_size: app.slugSize,
    space: null,
    stack,
    updated_at: apiTimestamp(app.updatedAt),
    web_url: `https://${app.host}/`,
  };
}

export function formationJson(app: SimApp, formation: Formation) {
  return {
    app: appRef(app),
    command: formation.command,
    created_at: apiTimestamp(formation.createdAt),
    dyno_size: { id: formation.size.id, name: formation.size.name },
    id: formation.id,
    quantity: formation.quantity,
    size: formation.size.name,
    type: formation.type,
    updated_at: apiTimestamp(formation.updatedAt),
  };
}

export function dynoJson(app: SimApp, dyno: Dyno) {
  const release = currentRelease(app);
  return {
    app: appRef(app),
    attach_url: null,
    command: dyno.command,
    created_at: apiTimestamp(dyno.createdAt),
    id: dyno.id,
    name: dyno.name,
    release: { id: release.id, version: release.version },
    size: dyno.size.name,
    state: dyno.state,
    type: dyno.type,
    updated_at: apiTimestamp(dyno.updatedAt),
  };
}

export function featureJson(feature: Feature) {
  return {
    created_at: feature.spec.createdAt,
    description: feature.spec.description,
    display_name: feature.spec.displayName,
    doc_url: feature.spec.docUrl,
    enabled: feature.enabled,
    feedback_email: null,
    id: feature.id,
    name: feature.spec.name,
    state: feature.spec.state,
    updated_at: apiTimestamp(feature.updatedAt),
  };
}

/**
 * PLATFORM.md §6.1: Heroku hides a drain URL's credentials once it is added (`heroku drains`, the
 * API), so a secret in them is never shown again: the password (or a lone user name) becomes ***.
 */
export function shownDrainUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password) parsed.password = "***";
  else if (parsed.username) parsed.username = "***";
  else return url;
  return parsed.toString();
}

export function drainJson(app: SimApp, drain: Drain) {
  return {
    addon: null,
    app: appRef(app),
    created_at: apiTimestamp(drain.createdAt),
    id: drain.id,
    token: drain.token,
    updated_at: apiTimestamp(drain.updatedAt),
    url: shownDrainUrl(drain.url),
  };
}

export function dynoSizeJson(size: DynoSize) {
  return {
    architecture: "amd64",
    compute: size.compute,
    cost: { cents: size.costCents, unit: size.costUnit },
    dedicated: size.dedicated,
    generation: cedar,
    id: size.id,
    memory: size.quotaMb / 1024,
    name: size.name,
    precise_dyno_units: size.units,
    private_space_only: size.privateSpaceOnly,
  };
}

export function releaseJson(app: SimApp, release: Release, account: Account) {
  const current = currentRelease(app);
  return {
    addon_plan_names: app.addons.map((a) =>
      a.kind === "postgres" ? "heroku-postgresql:standard-0" : "heroku-redis:premium-0",
    ),
    app: appRef(app),
    artifacts: [],
    created_at: apiTimestamp(release.createdAt),
    current: release === current,
    description: release.description,
    eligible_for_rollback: release !== current,
    id: release.id,
    output_stream_url: null,
    slug: { id: stableUuid(`slug:${release.id}`) },
    status: "succeeded",
    updated_at: apiTimestamp(release.createdAt),
    user: { email: account.email, id: account.id },
    version: release.version,
  };
}
