import { headers } from "next/headers";
import { Sidebar } from "@/components/layout/sidebar";
import { UserMenu } from "@/components/layout/user-menu";
import { requireUser } from "@/lib/auth/guards";
import { learnAppUrlFromRequest } from "@/lib/settings/queries";
import { isDemoMode } from "@/lib/system/queries";
import { signOutAction } from "../(auth)/actions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  await learnAppUrlFromRequest(await headers());
  const footer = (
    <UserMenu name={user.name} email={user.email} role={user.role} signOut={signOutAction} />
  );
  return (
    <div className="min-h-screen lg:flex">
      <aside className="hidden w-60 shrink-0 lg:block">
        <div className="fixed inset-y-0 w-60">
          <Sidebar isAdmin={user.role === "admin"} footer={footer} />
        </div>
      </aside>
      <details className="group bg-slate-900 lg:hidden">
        <summary className="flex cursor-pointer list-none items-center justify-between px-4 py-3 text-white">
          <span className="font-semibold">Dyno Monitor</span>
          <span className="text-sm text-slate-300">Menu</span>
        </summary>
        <Sidebar isAdmin={user.role === "admin"} footer={footer} />
      </details>
      <main className="min-w-0 flex-1 px-4 py-6 sm:px-8 lg:py-8">
        {isDemoMode() && (
          <p
            role="note"
            className="mb-6 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
          >
            <strong>Demo data.</strong> This console watches the built-in Heroku simulator&apos;s
            demo account, and sends no email, SMS or webhook (notices stay in the Outbox). Set
            HEROKU_API_KEY to watch your own account.
          </p>
        )}
        {children}
      </main>
    </div>
  );
}
