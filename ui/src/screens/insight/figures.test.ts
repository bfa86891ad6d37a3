import { describe, expect, it } from "vitest";

import { shareText } from "./figures";

describe("Insight figures", () => {
  it("rounds a share to the nearest percent, never to none when some are nor to all when not all are", () => {
    expect(shareText(17, 28)).toBe("61%");
    expect(shareText(1, 3)).toBe("33%");
    expect(shareText(2, 3)).toBe("67%");
    expect(shareText(1, 300)).toBe("1%");
    expect(shareText(299, 300)).toBe("99%");
    expect(shareText(0, 4)).toBe("0%");
    expect(shareText(4, 4)).toBe("100%");
    expect(shareText(0, 0)).toBe("—");
  });
});
