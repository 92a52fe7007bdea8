import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // STACK.md: bundled PGlite fails on some request paths; keep it a plain Node require.
  serverExternalPackages: ["@electric-sql/pglite"],
  // Migrations are read from disk at start-up and by /api/health.
  outputFileTracingIncludes: { "/**": ["./drizzle/**/*"] },
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a 403 for viewers on admin pages.
  experimental: { authInterrupts: true },
};

export default nextConfig;
