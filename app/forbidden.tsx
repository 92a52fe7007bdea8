import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <p className="text-sm font-semibold text-amber-700 dark:text-amber-400">403 · Admins only</p>
      <h1 className="mt-2 text-2xl font-semibold">Your role cannot open this page</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        You are signed in as a viewer. Ask an admin to change your role on the Users page.
      </p>
      <Link href="/" className="mt-6 inline-block text-indigo-700 underline dark:text-indigo-300">
        Back to the overview
      </Link>
    </main>
  );
}
