// The incident state machine, pure: what one evaluation does to one incident. pending → firing →
// resolved; a breach that has not lasted `forSeconds` is pending and resolves silently; firing
// notifies, repeats at the repeat interval (not once acknowledged, at most `maxRepeats` times)
// and sends a resolved notice. Silences mute notices and actions, never the record.

import type { IncidentState } from "@/lib/db/schema";

export type IncidentSnapshot = {
  state: Exclude<IncidentState, "resolved">;
  openedAt: Date;
  lastNotifiedAt: Date | null;
  /** Firing and repeat notices sent so far. */
  notificationsSent: number;
  acknowledged: boolean;
};

export type StepInput = {
  incident: IncidentSnapshot | null;
  breaching: boolean;
  now: Date;
  forSeconds: number;
  repeatIntervalSeconds: number;
  maxRepeats: number;
  silenced: boolean;
};

export type Transition = "none" | "open_pending" | "open_firing" | "fire" | "hold" | "resolve";

export type Step = {
  transition: Transition;
  /** The state after the step; null when there is no incident. */
  state: IncidentState | null;
  notify: "firing" | "repeat" | "resolved" | null;
  /** Run the rule's action (restart) now, within cooling periods and the loop guard. */
  act: boolean;
  /** Why a notice that would have gone did not: shown on the incident's timeline. */
  muted: "silenced" | "acknowledged" | "repeat_cap" | null;
};

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

export function step(input: StepInput): Step {
  const { incident, breaching, now, silenced } = input;
  if (!incident) {
    if (!breaching)
      return { transition: "none", state: null, notify: null, act: false, muted: null };
    if (input.forSeconds > 0) {
      return {
        transition: "open_pending",
        state: "pending",
        notify: null,
        act: false,
        muted: null,
      };
    }
    return fire("open_firing", silenced);
  }

  if (!breaching) {
    if (incident.state === "pending") {
      return { transition: "resolve", state: "resolved", notify: null, act: false, muted: null };
    }
    return {
      transition: "resolve",
      state: "resolved",
      notify: silenced ? null : "resolved",
      act: false,
      muted: silenced ? "silenced" : null,
    };
  }

  if (incident.state === "pending") {
    if (seconds(incident.openedAt, now) >= input.forSeconds) return fire("fire", silenced);
    return { transition: "hold", state: "pending", notify: null, act: false, muted: null };
  }

  // firing and still breaching: a repeat (and another try of the action) once the interval passed
  const due =
    incident.lastNotifiedAt === null ||
    seconds(incident.lastNotifiedAt, now) >= input.repeatIntervalSeconds;
  if (!due) return { transition: "hold", state: "firing", notify: null, act: false, muted: null };
  const hold = { transition: "hold" as const, state: "firing" as const };
  if (silenced) return { ...hold, notify: null, act: false, muted: "silenced" };
  if (incident.acknowledged) return { ...hold, notify: null, act: false, muted: "acknowledged" };
  if (incident.notificationsSent - 1 >= input.maxRepeats) {
    return { ...hold, notify: null, act: false, muted: "repeat_cap" };
  }
  return { ...hold, notify: "repeat", act: true, muted: null };
}

function fire(transition: "open_firing" | "fire", silenced: boolean): Step {
  return {
    transition,
    state: "firing",
    notify: silenced ? null : "firing",
    act: !silenced,
    muted: silenced ? "silenced" : null,
  };
}
