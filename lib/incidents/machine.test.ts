import { describe, expect, it } from "vitest";
import { type IncidentSnapshot, type StepInput, step } from "./machine";

const now = new Date("2026-11-24T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const firing = (over: Partial<IncidentSnapshot> = {}): IncidentSnapshot => ({
  state: "firing",
  openedAt: ago(600),
  lastNotifiedAt: ago(600),
  notificationsSent: 1,
  acknowledged: false,
  ...over,
});
const input = (over: Partial<StepInput>): StepInput => ({
  incident: null,
  breaching: true,
  now,
  forSeconds: 0,
  repeatIntervalSeconds: 300,
  maxRepeats: 10,
  silenced: false,
  ...over,
});

describe("incident state machine", () => {
  it.each([
    ["nothing wrong, nothing open", input({ breaching: false }), "none", null, null, false],
    [
      "a breach opens a firing incident, notifies and acts",
      input({}),
      "open_firing",
      "firing",
      "firing",
      true,
    ],
    [
      "a breach with a for-duration opens pending",
      input({ forSeconds: 120 }),
      "open_pending",
      "pending",
      null,
      false,
    ],
    [
      "pending long enough fires",
      input({
        forSeconds: 120,
        incident: {
          ...firing(),
          state: "pending",
          openedAt: ago(130),
          lastNotifiedAt: null,
          notificationsSent: 0,
        },
      }),
      "fire",
      "firing",
      "firing",
      true,
    ],
    [
      "pending not long enough holds",
      input({
        forSeconds: 120,
        incident: {
          ...firing(),
          state: "pending",
          openedAt: ago(60),
          lastNotifiedAt: null,
          notificationsSent: 0,
        },
      }),
      "hold",
      "pending",
      null,
      false,
    ],
    [
      "pending that stops breaching resolves without a notice",
      input({
        breaching: false,
        incident: { ...firing(), state: "pending", lastNotifiedAt: null, notificationsSent: 0 },
      }),
      "resolve",
      "resolved",
      null,
      false,
    ],
    [
      "firing that stops breaching resolves with a notice",
      input({ breaching: false, incident: firing() }),
      "resolve",
      "resolved",
      "resolved",
      false,
    ],
    [
      "firing, repeat due: repeat notice and another try of the action",
      input({ incident: firing() }),
      "hold",
      "firing",
      "repeat",
      true,
    ],
    [
      "firing, repeat not due yet",
      input({ incident: firing({ lastNotifiedAt: ago(100) }) }),
      "hold",
      "firing",
      null,
      false,
    ],
    [
      "acknowledged: no repeats",
      input({ incident: firing({ acknowledged: true }) }),
      "hold",
      "firing",
      null,
      false,
    ],
    [
      "repeat cap reached",
      input({ maxRepeats: 2, incident: firing({ notificationsSent: 3 }) }),
      "hold",
      "firing",
      null,
      false,
    ],
    [
      "silenced: recorded, not notified, no action",
      input({ silenced: true }),
      "open_firing",
      "firing",
      null,
      false,
    ],
    [
      "silenced resolve: no notice",
      input({ silenced: true, breaching: false, incident: firing() }),
      "resolve",
      "resolved",
      null,
      false,
    ],
  ] as const)("%s", (_, given, transition, state, notify, act) => {
    const result = step(given);
    expect(result).toMatchObject({ transition, state, notify, act });
  });

  it("says why a due repeat was muted", () => {
    expect(step(input({ incident: firing({ acknowledged: true }) })).muted).toBe("acknowledged");
    expect(step(input({ maxRepeats: 0, incident: firing() })).muted).toBe("repeat_cap");
    expect(step(input({ silenced: true, incident: firing() })).muted).toBe("silenced");
  });
});
