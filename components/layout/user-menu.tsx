import { Badge } from "@/components/ui/badge";

export function UserMenu({
  name,
  email,
  role,
  signOut,
}: {
  name: string;
  email: string;
  role: "admin" | "viewer";
  signOut: () => Promise<void>;
}) {
  return (
    <div className="space-y-2 text-sm">
      <div className="min-w-0">
        <p className="truncate font-medium text-white" title={email}>
          {name}
        </p>
        <p className="truncate text-xs text-slate-400">{email}</p>
        <p className="mt-1">
          <Badge tone={role === "admin" ? "info" : "neutral"}>{role}</Badge>
        </p>
      </div>
      <form action={signOut}>
        <button
          type="submit"
          className="w-full rounded-md border border-slate-700 px-3 py-1.5 text-left text-sm text-slate-200 hover:bg-slate-800"
        >
          Sign out
        </button>
      </form>
    </div>
  );
}
