import Link from "next/link";

export type FilterTab = { href: string; label: string; active: boolean; count?: number };

/** Filters as links, so the view lives in the URL; the current one is marked. */
export function FilterTabs({ label, tabs }: { label: string; tabs: FilterTab[] }) {
  return (
    <nav aria-label={label}>
      <ul className="inline-flex flex-wrap overflow-hidden rounded-md border border-slate-300 text-sm dark:border-slate-700">
        {tabs.map((tab) => (
          <li key={tab.href} className="border-slate-300 not-first:border-l dark:border-slate-700">
            <Link
              href={tab.href}
              scroll={false}
              aria-current={tab.active ? "page" : undefined}
              className={`block px-3 py-1.5 font-medium ${
                tab.active
                  ? "bg-indigo-600 text-white"
                  : "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
              }`}
            >
              {tab.label}
              {tab.count !== undefined && (
                <span className={tab.active ? "ml-1 text-indigo-100" : "ml-1 text-slate-500"}>
                  {tab.count}
                </span>
              )}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
