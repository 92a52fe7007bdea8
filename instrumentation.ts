// Next calls register() once per server runtime before serving requests. NEXT_RUNTIME is read
// here directly (not through lib/config) because Next inlines it and drops the Node-only branch
// from the edge bundle.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // before anything can fail: Next prints uncaught errors itself, bound SQL parameters included
    const { guardConsole } = await import("@/lib/log");
    guardConsole();
    const { startServer } = await import("@/lib/system/startup");
    await startServer();
  }
}
