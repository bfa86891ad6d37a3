import { describe, expect, it } from "vitest";

import { dayHeading, duration, relativeTime } from "./format";

describe("format", () => {
  const now = new Date("2026-11-23T15:00:00");

  it("says recent times in words and older ones as dates", () => {
    expect(relativeTime(new Date("2026-11-23T14:59:40").toISOString(), now)).toBe("just now");
    expect(relativeTime(new Date("2026-11-23T14:57:00").toISOString(), now)).toBe("3 min. ago");
    expect(relativeTime(new Date("2026-11-22T16:20:00").toISOString(), now)).toMatch(/^yesterday 0?4:20/);
    expect(relativeTime(new Date("2026-11-12T10:00:00").toISOString(), now)).toBe("Nov 12");
  });

  it("says future due times as 'in …' and 'tomorrow'", () => {
    expect(relativeTime(new Date("2026-11-23T15:20:00").toISOString(), now)).toBe("in 20 min.");
    expect(relativeTime(new Date("2026-11-23T18:00:00").toISOString(), now)).toBe("in 3 hr.");
    expect(relativeTime(new Date("2026-11-24T10:00:00").toISOString(), now)).toMatch(/^tomorrow 10:00/);
  });

  it("groups the timeline under Today, Yesterday and dates", () => {
    expect(dayHeading(new Date("2026-11-23T08:00:00").toISOString(), now)).toBe("Today");
    expect(dayHeading(new Date("2026-11-22T08:00:00").toISOString(), now)).toBe("Yesterday");
    expect(dayHeading(new Date("2025-03-03T08:00:00").toISOString(), now)).toBe("March 3, 2025");
  });

  it("shows durations in seconds, minutes and hours", () => {
    expect(duration(42)).toBe("42 s");
    expect(duration(360)).toBe("6 min");
    expect(duration(3900)).toBe("1 h 5 min");
  });
});
