import { describe, expect, it } from "vitest";
import { parseTimestampMicros } from "./timestamp";

function micros(text: string): number {
  return parseTimestampMicros(text, 0, text.length);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

describe("parseTimestampMicros", () => {
  it("agrees with Date.parse on 5 000 seeded random timestamps, to the microsecond", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      const date = new Date(Date.UTC(1700 + random(550), 0, 1) + random(366 * 86_400_000));
      const fraction = String(random(1_000_000))
        .padStart(6, "0")
        .slice(0, 1 + random(6));
      const offset =
        random(3) === 0 ? "Z" : `${random(2) ? "+" : "-"}${pad(random(14))}:${pad(random(4) * 15)}`;
      const text = `${date.toISOString().slice(0, 19)}.${fraction}${offset}`;
      const expectedMs = Date.parse(text);
      const expected =
        Math.floor(expectedMs / 1000) * 1_000_000 + Number(`${fraction}000000`.slice(0, 6));
      expect(micros(text), text).toBe(expected);
    }
  });

  it.each([
    "2025-03-04T09:41:12",
    "2025-03-04T09:41:12+00",
    "2025-03-04T09:41:12+24:00",
    "2025-03-04T09:41:12+00:60",
    "2025-03-04T09:60:12Z",
    "2025-03-04T09:41:61Z",
    "2025-04-31T09:41:12Z",
    "0000-01-01T00:00:00Z",
    "2925-03-04T11:30:26Z",
    "1025-03-04T11:30:26Z",
    "2025-03-04T09:41:12Zjunk",
    "2025-03-04X09:41:12Z",
    "2025/03/04T09:41:12Z",
    "２025-03-04T09:41:12Z",
  ])("rejects %s", (text) => {
    expect(micros(text)).toBeNaN();
  });

  it("reads a timestamp inside a longer string", () => {
    const text = "xx 2025-03-04T09:41:12Z yy";
    expect(parseTimestampMicros(text, 3, 23)).toBe(Date.UTC(2025, 2, 4, 9, 41, 12) * 1000);
  });
});
