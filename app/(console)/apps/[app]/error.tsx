"use client";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

/** The App page failed as a whole (chart panels fail alone); the console around it stays. */
export default function AppPageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <Card title="This app's page could not be loaded">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        The server logged the error{error.digest ? ` (reference ${error.digest})` : ""}.
      </p>
      <Button className="mt-4" onClick={reset}>
        Try loading the page again
      </Button>
    </Card>
  );
}
