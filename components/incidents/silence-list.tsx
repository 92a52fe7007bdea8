import type { ActionResult } from "@/lib/http/action";
import type { SilenceRow } from "@/lib/incidents/queries";
import { EndSilenceButton } from "./end-silence-button";
import { TimeAgo } from "./time-ago";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

const scopeOf = (s: SilenceRow) =>
  [s.appName ?? "every app", s.dynoType ?? "every dyno type", s.ruleName ?? "every rule"].join(
    " · ",
  );

/** Silences in force: what they cover, until when, why and who; admins may end them. */
export function SilenceList({
  silences,
  now,
  endAction,
}: {
  silences: SilenceRow[];
  now: number;
  /** Given to admins only. */
  endAction?: Action;
}) {
  return (
    <ul className="divide-y divide-slate-100 dark:divide-slate-800">
      {silences.map((silence) => {
        const scope = scopeOf(silence);
        return (
          <li key={silence.id} className="flex flex-wrap items-start justify-between gap-3 py-2">
            <div className="min-w-0 text-sm">
              <p className="font-medium">{scope}</p>
              <p className="text-slate-600 dark:text-slate-400">
                ends <TimeAgo iso={silence.until} now={now} /> · “{silence.reason}” ·{" "}
                {silence.createdBy}, <TimeAgo iso={silence.createdAt} now={now} />
              </p>
            </div>
            {endAction && (
              <EndSilenceButton silenceId={silence.id} scope={scope} action={endAction} />
            )}
          </li>
        );
      })}
    </ul>
  );
}
