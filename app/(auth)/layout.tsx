import { headers } from "next/headers";
import { learnAppUrlFromRequest } from "@/lib/settings/queries";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  await learnAppUrlFromRequest(await headers());
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="inline-flex items-center gap-2 text-lg font-semibold tracking-tight">
            <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full bg-indigo-500" />
            Dyno Monitor
          </p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Your CloudWatch for Heroku
          </p>
        </div>
        {children}
      </div>
    </main>
  );
}
