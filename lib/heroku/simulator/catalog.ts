// Static facts the simulator serves: dyno sizes, app features, regions, and the demo account.
import { stableUuid } from "./prng";

export type DynoSize = {
  id: string;
  name: string;
  /** PLATFORM.md §3.3: memory quota in MB, as `sample#memory_quota` shows it. */
  quotaMb: number;
  /** R15 kill threshold as a multiple of the quota (PLATFORM.md §3.3). */
  killFactor: number;
  compute: number;
  costCents: number;
  costUnit: "month" | "hour";
  dedicated: boolean;
  units: number;
  privateSpaceOnly: boolean;
  /** Eco and Basic allow one dyno per process type. */
  maxQuantity: number;
  tier: "eco" | "basic" | "production";
};

function size(
  name: string,
  quotaMb: number,
  extra: Partial<Omit<DynoSize, "id" | "name" | "quotaMb">> = {},
): DynoSize {
  return {
    id: stableUuid(`dyno-size:${name}`),
    name,
    quotaMb,
    killFactor: 2,
    compute: 1,
    costCents: 2500,
    costUnit: "month",
    dedicated: false,
    units: 1,
    privateSpaceOnly: false,
    maxQuantity: 100,
    tier: "production",
    ...extra,
  };
}

// PLATFORM.md §3.3 (quotas, kill thresholds) and §2.10 (object shape); costs are illustrative.
export const dynoSizes: readonly DynoSize[] = [
  size("Eco", 512, { costCents: 500, units: 0, maxQuantity: 1, tier: "eco" }),
  size("Basic", 512, { costCents: 700, units: 0.28, maxQuantity: 1, tier: "basic" }),
  size("Standard-1X", 512, { costCents: 2500, units: 1 }),
  size("Standard-2X", 1024, { costCents: 5000, units: 2, compute: 2 }),
  size("Performance-M", 2560, { costCents: 25000, units: 8, compute: 2, dedicated: true }),
  size("Performance-L", 14336, { costCents: 50000, units: 16, compute: 8, dedicated: true }),
  size("Performance-L-RAM", 30720, {
    costCents: 50000,
    units: 16,
    compute: 4,
    dedicated: true,
    killFactor: 1.2,
  }),
  size("Performance-XL", 63488, {
    costCents: 75000,
    units: 32,
    compute: 8,
    dedicated: true,
    killFactor: 1.2,
  }),
  size("Performance-2XL", 129024, {
    costCents: 150000,
    units: 64,
    compute: 16,
    dedicated: true,
    killFactor: 1.2,
  }),
  ...(
    [
      ["S", 1024, 1],
      ["M", 2560, 2],
      ["L", 14336, 8],
    ] as const
  ).flatMap(([suffix, quotaMb, compute]) =>
    ["Private", "Shield"].map((prefix) =>
      size(`${prefix}-${suffix}`, quotaMb, {
        costCents: compute * 6000,
        compute,
        killFactor: 1,
        dedicated: true,
        privateSpaceOnly: true,
      }),
    ),
  ),
];

/** Size names are case-insensitive in practice (PLATFORM.md §2.3). */
export function findDynoSize(nameOrId: string): DynoSize | undefined {
  const wanted = nameOrId.toLowerCase();
  return dynoSizes.find((s) => s.name.toLowerCase() === wanted || s.id === nameOrId);
}

export function requireDynoSize(name: string): DynoSize {
  const found = findDynoSize(name);
  if (!found) throw new Error(`unknown dyno size ${name}`);
  return found;
}

export type FeatureSpec = {
  name: string;
  displayName: string;
  description: string;
  docUrl: string;
  state: "beta" | "general" | "public";
  createdAt: string;
};

// PLATFORM.md §2.9
export const featureSpecs: readonly FeatureSpec[] = [
  {
    name: "log-runtime-metrics",
    displayName: "Log runtime metrics",
    description: "Emit dyno resource usage information into app logs",
    docUrl: "https://devcenter.heroku.com/articles/log-runtime-metrics",
    state: "beta",
    createdAt: "2014-02-21T15:35:09Z",
  },
  {
    name: "preboot",
    displayName: "Preboot",
    description: "Provide seamless web dyno deploys",
    docUrl: "https://devcenter.heroku.com/articles/preboot",
    state: "general",
    createdAt: "2013-05-14T09:00:00Z",
  },
  {
    name: "runtime-dyno-metadata",
    displayName: "Runtime Dyno Metadata",
    description: "Provide information about the app and environment",
    docUrl: "https://devcenter.heroku.com/articles/dyno-metadata",
    state: "beta",
    createdAt: "2016-03-30T12:00:00Z",
  },
  {
    name: "http-routing-2-dot-0",
    displayName: "HTTP Routing 2.0",
    description: "Use the Router 2.0 HTTP routing stack",
    docUrl: "https://devcenter.heroku.com/articles/http-routing-2-0",
    state: "public",
    createdAt: "2023-11-01T12:00:00Z",
  },
  {
    name: "http-disable-keepalive-to-dyno",
    displayName: "Disable Keepalives to Dynos in Router 2.0",
    description: "Close the router-to-dyno connection after each request",
    docUrl: "https://devcenter.heroku.com/articles/http-routing-2-0",
    state: "public",
    createdAt: "2024-06-01T12:00:00Z",
  },
];

export const regions = {
  us: { id: "59accabd-516d-4f0e-83e6-6e3757701145", name: "us" },
  eu: { id: "ed30241c-ed8c-4bb6-9714-61953675d0b4", name: "eu" },
} as const;
export type RegionName = keyof typeof regions;

export const stack = { id: "ee582d3c-717d-4a57-ba5f-8b3a39f3a817", name: "heroku-24" } as const;
export const cedar = { id: "c9a1e3b0-6f2d-4e8a-b1c4-5d6e7f809a1b", name: "cedar" } as const;

export type RouteSpec = {
  method: string;
  /** `{id}`, `{page}`, `{slug}`, `{hex}` and `{uuid}` are filled per request. */
  path: string;
  weight: number;
  medianMs: number;
  bytes: number;
  /** A POST that answers 201. */
  creates?: boolean;
  /** Answers 304 to revalidations. */
  cacheable?: boolean;
  /** The endpoint h12-burst times out by default. */
  slow?: boolean;
};

export type AddonSpec = { kind: "postgres" | "redis"; attachment: string; name: string };

export type ProcessSpec = { type: string; quantity: number; size: string; command: string };

export type AppFlavor = "node" | "rails";

export type AppSpec = {
  name: string;
  region: RegionName;
  flavor: AppFlavor;
  formation: readonly ProcessSpec[];
  runtimeMetrics: boolean;
  addons: readonly AddonSpec[];
  /** Router requests per second at trafficScale 1. */
  requestsPerSecond: number;
  customHost?: string;
  routes: readonly RouteSpec[];
  createdDaysAgo: number;
  releaseVersion: number;
};

const shopRoutes: readonly RouteSpec[] = [
  { method: "GET", path: "/", weight: 14, medianMs: 45, bytes: 18_400 },
  { method: "GET", path: "/products?page={page}", weight: 16, medianMs: 70, bytes: 24_100 },
  { method: "GET", path: "/products/{slug}", weight: 18, medianMs: 55, bytes: 15_900 },
  { method: "GET", path: "/api/cart", weight: 10, medianMs: 25, bytes: 1_300 },
  { method: "POST", path: "/api/cart/items", weight: 6, medianMs: 60, bytes: 420, creates: true },
  { method: "POST", path: "/api/checkout", weight: 2, medianMs: 380, bytes: 910, creates: true },
  { method: "GET", path: "/api/orders/{id}", weight: 5, medianMs: 48, bytes: 2_700 },
  {
    method: "GET",
    path: "/assets/app-{hex}.js",
    weight: 12,
    medianMs: 6,
    bytes: 182_000,
    cacheable: true,
  },
  { method: "GET", path: "/healthz", weight: 4, medianMs: 2, bytes: 15 },
  { method: "POST", path: "/webhooks/stripe", weight: 2, medianMs: 140, bytes: 310 },
  { method: "GET", path: "/api/search?q={slug}", weight: 6, medianMs: 120, bytes: 8_200 },
  {
    method: "POST",
    path: "/api/reports/export",
    weight: 0.3,
    medianMs: 2_400,
    bytes: 48_000,
    slow: true,
  },
];

const billingRoutes: readonly RouteSpec[] = [
  { method: "GET", path: "/v1/invoices?page={page}", weight: 14, medianMs: 85, bytes: 12_600 },
  { method: "GET", path: "/v1/invoices/{id}", weight: 20, medianMs: 40, bytes: 2_900 },
  { method: "POST", path: "/v1/invoices", weight: 6, medianMs: 160, bytes: 1_100, creates: true },
  { method: "POST", path: "/v1/payments", weight: 5, medianMs: 420, bytes: 780, creates: true },
  { method: "GET", path: "/v1/customers/{id}", weight: 12, medianMs: 35, bytes: 1_800 },
  { method: "PATCH", path: "/v1/customers/{id}", weight: 3, medianMs: 90, bytes: 1_800 },
  { method: "POST", path: "/graphql", weight: 8, medianMs: 110, bytes: 4_400 },
  { method: "GET", path: "/health", weight: 5, medianMs: 3, bytes: 21 },
  {
    method: "POST",
    path: "/v1/reports/export",
    weight: 0.4,
    medianMs: 3_100,
    bytes: 96_000,
    slow: true,
  },
];

const genericRoutes: readonly RouteSpec[] = [
  { method: "GET", path: "/", weight: 20, medianMs: 40, bytes: 9_800 },
  { method: "GET", path: "/api/items?page={page}", weight: 20, medianMs: 65, bytes: 6_400 },
  { method: "GET", path: "/api/items/{id}", weight: 25, medianMs: 35, bytes: 1_700 },
  { method: "POST", path: "/api/items", weight: 8, medianMs: 95, bytes: 600, creates: true },
  {
    method: "GET",
    path: "/static/{hex}.css",
    weight: 10,
    medianMs: 4,
    bytes: 41_000,
    cacheable: true,
  },
  { method: "GET", path: "/health", weight: 5, medianMs: 2, bytes: 12 },
  { method: "POST", path: "/api/export", weight: 0.3, medianMs: 2_000, bytes: 30_000, slow: true },
];

/** The default three-app demo account: a shop with staging, and a billing API. */
export const demoApps: readonly AppSpec[] = [
  {
    name: "shop-prod",
    region: "us",
    flavor: "node",
    formation: [
      { type: "web", quantity: 2, size: "Standard-1X", command: "npm start" },
      { type: "worker", quantity: 1, size: "Standard-2X", command: "node dist/worker.js" },
    ],
    runtimeMetrics: true,
    addons: [
      { kind: "postgres", attachment: "DATABASE", name: "postgresql-rugged-51877" },
      { kind: "redis", attachment: "REDIS", name: "redis-angular-12093" },
    ],
    requestsPerSecond: 4,
    customHost: "shop.acme.io",
    routes: shopRoutes,
    createdDaysAgo: 1270,
    releaseVersion: 142,
  },
  {
    name: "shop-staging",
    region: "us",
    flavor: "node",
    formation: [
      { type: "web", quantity: 1, size: "Basic", command: "npm start" },
      { type: "worker", quantity: 0, size: "Basic", command: "node dist/worker.js" },
    ],
    runtimeMetrics: false,
    addons: [],
    requestsPerSecond: 1,
    routes: shopRoutes,
    createdDaysAgo: 1100,
    releaseVersion: 388,
  },
  {
    name: "billing-api",
    region: "eu",
    flavor: "rails",
    formation: [
      {
        type: "web",
        quantity: 2,
        size: "Performance-M",
        command: "bundle exec puma -C config/puma.rb",
      },
      {
        type: "clock",
        quantity: 1,
        size: "Standard-1X",
        command: "bundle exec clockwork clock.rb",
      },
    ],
    runtimeMetrics: true,
    addons: [{ kind: "postgres", attachment: "DATABASE", name: "postgresql-shallow-20614" }],
    requestsPerSecond: 2.5,
    customHost: "billing.acme.io",
    routes: billingRoutes,
    createdDaysAgo: 820,
    releaseVersion: 57,
  },
];

/** Apps past the demo three: small formations, modest traffic, generated from the seed. */
export function generatedAppSpec(
  index: number,
  roll: { next: () => number; pick: <T>(items: readonly T[]) => T },
): AppSpec {
  const name = `app-${String(index).padStart(3, "0")}`;
  const webSize = roll.pick(["Basic", "Standard-1X", "Standard-1X", "Standard-2X"]);
  const hasWorker = roll.next() < 0.4;
  const webQuantity = roll.next() < 0.08 ? 0 : webSize === "Basic" ? 1 : roll.pick([1, 1, 2, 3]);
  const addons: AddonSpec[] = [];
  if (roll.next() < 0.3) {
    addons.push({ kind: "postgres", attachment: "DATABASE", name: `postgresql-${name}-${index}` });
  }
  const flavor = roll.pick<AppFlavor>(["node", "rails"]);
  return {
    name,
    region: roll.next() < 0.8 ? "us" : "eu",
    flavor,
    formation: [
      {
        type: "web",
        quantity: webQuantity,
        size: webSize,
        command: flavor === "node" ? "npm start" : "bundle exec puma -C config/puma.rb",
      },
      ...(hasWorker
        ? [
            {
              type: "worker",
              quantity: 1,
              size: webSize === "Basic" ? "Basic" : "Standard-1X",
              command: flavor === "node" ? "node worker.js" : "bundle exec sidekiq",
            },
          ]
        : []),
    ],
    runtimeMetrics: roll.next() < 0.5,
    addons,
    requestsPerSecond: 0.2 + roll.next() * 1.3,
    routes: genericRoutes,
    createdDaysAgo: 30 + Math.floor(roll.next() * 1500),
    releaseVersion: 3 + Math.floor(roll.next() * 200),
  };
}

export const accountSpec = {
  email: "ops@acme.io",
  name: "Acme Ops",
  createdDaysAgo: 2100,
} as const;
