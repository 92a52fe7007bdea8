import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-6 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="mt-2 text-2xl font-semibold">This page does not exist</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        The link may be old, or the app was removed from the account.
      </p>
      <Link href="/" className="mt-6 inline-block text-indigo-700 underline dark:text-indigo-300">
        Back to the overview
      </Link>
    </main>
  );
}
