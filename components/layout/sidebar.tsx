import type { ReactNode } from "react";
import { type NavItem, NavLinks } from "./nav-links";

export const consoleNav: NavItem[] = [
  { href: "/", label: "Overview", hint: "Is anything wrong right now?" },
  { href: "/apps", label: "Apps", hint: "The apps and dynos we watch" },
  { href: "/incidents", label: "Incidents", hint: "What fired and what we did" },
  { href: "/rules", label: "Rules", hint: "What we watch for" },
  { href: "/checks", label: "Checks", hint: "Are our dependencies up?" },
  { href: "/activity", label: "Activity", hint: "Who or what changed things" },
  { href: "/outbox", label: "Outbox", hint: "Every notification we sent or held" },
  { href: "/settings", label: "Settings", hint: "Heroku key, channels, cooling periods" },
  { href: "/system", label: "System", hint: "Jobs and health of the monitor itself" },
];

export const adminNav: NavItem[] = [
  { href: "/users", label: "Users", hint: "Add users, change roles" },
];

export function Sidebar({ isAdmin, footer }: { isAdmin: boolean; footer: ReactNode }) {
  return (
    <div className="flex h-full flex-col bg-slate-900 text-slate-100">
      <div className="px-4 py-4">
        <a
          href="/"
          className="flex items-center gap-2 text-base font-semibold tracking-tight text-white"
        >
          <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full bg-indigo-400" />
          Dyno Monitor
        </a>
      </div>
      <nav aria-label="Main" className="flex-1 space-y-4 overflow-y-auto px-2 pb-4">
        <NavLinks items={consoleNav} />
        {isAdmin && (
          <div>
            <p className="px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-400">
              Admin
            </p>
            <NavLinks items={adminNav} />
          </div>
        )}
      </nav>
      <div className="border-t border-slate-800 px-4 py-3">{footer}</div>
    </div>
  );
}
