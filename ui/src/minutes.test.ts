import { describe, expect, it } from "vitest";

import i18n from "./i18n";
import { minutesProblem, minutesToSeconds } from "./minutes";

const t = i18n.getFixedT("en");

describe("minutes", () => {
  it("says negative minutes must be positive, and other text must be a number", () => {
    expect(minutesProblem("-5", t)).toBe("Minutes must be positive: how long did it take?");
    expect(minutesProblem("−5", t)).toBe("Minutes must be positive: how long did it take?");
    expect(minutesProblem("five", t)).toBe("Enter the minutes as a number.");
    expect(minutesProblem("2,5", t)).toBeNull();
    expect(minutesProblem("", t)).toBeNull();
  });

  it("reads a comma or a point as the decimal mark", () => {
    expect(minutesToSeconds("2,5")).toBe(150);
    expect(minutesToSeconds(" 12 ")).toBe(720);
    expect(minutesToSeconds("")).toBeNull();
  });
});
