// Prints one plain closing line CI can read: "vitest: N passed, N failed, N skipped", or "faults: …"
// / "deploy: …" when only that suite ran, after the FAULT line of each fault scenario (its figures).
import type { Reporter, TestModule } from "vitest/node";

declare module "vitest" {
  interface TaskMeta {
    /** A fault scenario's FAULT line (its figures), repeated before the closing line. */
    fault?: string;
  }
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const figures: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
        const fault = test.meta().fault;
        if (fault) figures.push(fault);
      }
      if (module.state() === "failed" && module.children.size === 0) failed++;
    }
    failed += unhandledErrors.length;
    // a run of one of the suites CI reports apart is named after it
    const projects = new Set(testModules.map((m) => m.project.name));
    const only = projects.size === 1 ? [...projects][0] : undefined;
    const label = only === "faults" || only === "deploy" ? only : "vitest";
    const lines = figures.length > 0 ? `\n${figures.join("\n")}` : "";
    process.stdout.write(
      `${lines}\n${label}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
    );
  }
}
